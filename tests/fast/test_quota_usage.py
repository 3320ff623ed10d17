"""The tenant's usage (kb.quotas) follows every staging write exactly: creations, updates by their
change in size, deletions, offloaded content, batches; a write past a quota writes nothing."""

import pytest
from pydantic import ValidationError

from kb.errors import QuotaExceeded
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, UpsertItemRequest
from kb.items.repository import INLINE_CONTENT_LIMIT, ItemRepository
from kb.items.service import delete_item, upsert_item
from kb.keys.models import Quotas
from kb.keys.plans import tenant_quotas
from kb.quotas import TenantQuotas, usage_key
from kb.settings import LIMIT_MAX, Settings
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import add_page, begin_snapshot, commit_snapshot
from local.template import read_template
from tests.helpers import ROOT


def usage(store, tenant_id: str) -> tuple[int, int]:
    key = usage_key(tenant_id)
    record = store.table.get(key["pk"], key["sk"]) or {}
    return int(record.get("storedItems", 0)), int(record.get("storedBytes", 0))


def push(items, sources, source, item_id: str, content: str):
    return upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content=content))


def test_usage_counts_creations_updates_and_deletions(store, items, sources, source):
    push(items, sources, source, "a", "x" * 10)
    push(items, sources, source, "b", "y" * 20)
    assert usage(store, source.tenant_id) == (2, 30)
    push(items, sources, source, "a", "x" * 4)  # an update counts its change in size
    assert usage(store, source.tenant_id) == (2, 24)
    delete_item(items, sources, source, "b")
    assert usage(store, source.tenant_id) == (1, 4)
    push(items, sources, source, "b", "é")  # restored, two UTF-8 bytes
    assert usage(store, source.tenant_id) == (2, 6)


def test_offloaded_content_counts_its_bytes_and_keeps_them_while_unchanged(store, items, sources, source):
    big = "z" * (INLINE_CONTENT_LIMIT + 1)
    push(items, sources, source, "big", big)
    push(items, sources, source, "big", big)  # unchanged: no write
    assert usage(store, source.tenant_id) == (1, len(big))
    delete_item(items, sources, source, "big")
    assert usage(store, source.tenant_id) == (0, 0)


def test_a_batch_counts_each_group_once_and_exactly(store, items, sources, source):
    apply_batch(
        items, sources, source, BatchRequest(items=[{"externalItemId": f"i{n}", "content": "abc"} for n in range(250)])
    )
    assert usage(store, source.tenant_id) == (250, 750)


def test_a_write_past_a_quota_writes_nothing(store, sources, source):
    limited = ItemRepository(store.table, store.blobs, quotas=TenantQuotas(lambda _: Quotas(max_items=1)))
    push(limited, sources, source, "a", "t")
    objects_before, log_before = store.objects(), limited.changed_between(source.id, 0, source.staging_epoch)
    with pytest.raises(QuotaExceeded, match="quota of 1 stored items"):
        push(limited, sources, source, "big", "z" * (INLINE_CONTENT_LIMIT + 1))
    assert limited.get(source.id, "big") is None
    assert store.objects() == objects_before  # its offloaded content was removed
    assert limited.changed_between(source.id, 0, source.staging_epoch) == log_before
    assert usage(store, source.tenant_id) == (1, 1)


def test_a_batch_past_a_quota_stores_what_fits(store, sources, source):
    limited = ItemRepository(store.table, store.blobs, quotas=TenantQuotas(lambda _: Quotas(max_stored_bytes=10)))
    batch = BatchRequest(items=[{"externalItemId": f"i{n}", "content": "abcd"} for n in range(4)])
    result = apply_batch(limited, sources, source, batch)
    assert result.succeeded == 2
    assert [r.error for r in result.results if r.outcome == "failed"] == [
        "quota_exceeded: This write would take the tenant past its quota of 10 stored bytes (the content of active "
        "items); delete some or ask for a larger plan."
    ] * 2
    assert usage(store, source.tenant_id) == (2, 8)


def test_an_item_left_out_of_a_snapshot_frees_its_place_and_counts_again_when_pushed(
    store, items, snapshots, sources, source
):
    push(items, sources, source, "kept", "k" * 3)
    push(items, sources, source, "dropped", "d" * 5)
    snapshot = begin_snapshot(snapshots, sources, sources.get(source.tenant_id, source.id))
    fresh = sources.get(source.tenant_id, source.id)
    add_page(snapshots, fresh, snapshot.id, SnapshotPageRequest(items=[{"externalItemId": "kept", "content": "kkk"}]))
    commit_snapshot(snapshots, sources, items, fresh, snapshot.id, allow_mass_deletion=True)
    assert usage(store, source.tenant_id) == (1, 3)  # "dropped" is a tombstone now
    push(items, sources, fresh, "dropped", "d" * 5)
    assert usage(store, source.tenant_id) == (2, 8)


def test_a_batch_under_the_largest_deployment_quota_writes_every_item(store, sources, source):
    # Given the deployment's default quotas at the largest the template lets a deployment set
    # (a larger QuotaMaxItems once made every counted write fail with internal_error: the plans'
    # bound refused the deployment's figure at each write)
    parameters = read_template(ROOT).document["Parameters"]
    settings = Settings.model_validate(
        {
            "TABLE_NAME": "KbTable",
            "BUCKET_NAME": "generationsbucket",
            "QUOTA_MAX_ITEMS": parameters["QuotaMaxItems"]["MaxValue"],
            "QUOTA_MAX_STORED_BYTES": 10**15,
        }
    )
    deployed = ItemRepository(store.table, store.blobs, quotas=tenant_quotas(store.table, settings))
    # When a batch is staged through the tenant's quotas (its plan names none)
    result = apply_batch(
        deployed, sources, source, BatchRequest(items=[{"externalItemId": f"i{n}", "content": "ab"} for n in range(3)])
    )
    # Then every item is written and counted
    assert [r.outcome for r in result.results] == ["created"] * 3
    assert usage(store, source.tenant_id) == (3, 6)


def test_a_deployment_quota_no_plan_could_state_is_refused_when_the_settings_are_read():
    # Given a QuotaMaxItems above the bound of every key's and plan's quota
    environment = {"TABLE_NAME": "t", "BUCKET_NAME": "b", "QUOTA_MAX_ITEMS": str(LIMIT_MAX + 1)}
    # Then the settings refuse it at once (and so does the template, at deploy), not each write later
    with pytest.raises(ValidationError, match="QUOTA_MAX_ITEMS"):
        Settings.model_validate(environment)
    with pytest.raises(ValueError, match="QuotaMaxItems"):
        read_template(ROOT, {"QuotaMaxItems": str(LIMIT_MAX + 1)})
