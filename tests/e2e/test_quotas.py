"""Per-tenant quotas (stored items, stored bytes): a write past one is 409 quota_exceeded naming
the limit, and writes nothing; concurrent writes never pass a quota together."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.keys.models import Plan, Quotas
from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant


def tenant_with(api, table, **quotas) -> tuple[str, str]:
    """An admin key of a new tenant with the given quotas, and a source of that tenant."""
    admin = bootstrap_tenant(KeyRepository(table), "quota tenant", plan=Plan(quotas=Quotas(**quotas))).secret
    assert admin is not None
    source = api.call("POST", "/v1/sources", admin, {"name": "quota"})
    assert source.status_code == 201, source.text
    return admin, source.json()["source"]["id"]


def push(api, key, source_id, item_id, content):
    return api.call("POST", f"/v1/sources/{source_id}/items", key, {"externalItemId": item_id, "content": content})


def stored_ids(api, key, source_id) -> list[str]:
    reply = api.call("GET", f"/v1/sources/{source_id}/items?limit=100", key)
    return sorted(item["externalItemId"] for item in reply.json()["items"])


def test_of_concurrent_creations_exactly_the_item_quota_lands(api, table):
    # Given a tenant allowed 5 stored items
    admin, source_id = tenant_with(api, table, max_items=5)
    # When twelve items are pushed at once
    with ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda i: push(api, admin, source_id, f"item-{i}", "text"), range(12)))
    # Then five are stored, seven refused with the limit named, and nothing else was written
    assert sorted(r.status_code for r in replies) == [201] * 5 + [409] * 7
    refused = [r.json() for r in replies if r.status_code == 409]
    assert {body["code"] for body in refused} == {"quota_exceeded"}
    assert all("quota of 5 stored items" in body["error"] for body in refused)
    created = sorted(f"item-{i}" for i, r in enumerate(replies) if r.status_code == 201)
    assert stored_ids(api, admin, source_id) == created


def test_the_byte_quota_counts_content_and_an_update_counts_the_difference(api, table):
    admin, source_id = tenant_with(api, table, max_stored_bytes=100)
    assert push(api, admin, source_id, "a", "x" * 60).status_code == 201
    # A second 60 bytes would make 120
    refused = push(api, admin, source_id, "b", "y" * 60)
    assert (refused.status_code, refused.json()["code"]) == (409, "quota_exceeded")
    assert "quota of 100 stored bytes" in refused.json()["error"]
    assert api.call("GET", f"/v1/sources/{source_id}/items/b", admin).status_code == 404
    # Shrinking the first to 30 bytes makes room for the second
    assert push(api, admin, source_id, "a", "x" * 30).status_code == 200
    assert push(api, admin, source_id, "b", "y" * 60).status_code == 201


def test_deleting_an_item_frees_its_place(api, table):
    admin, source_id = tenant_with(api, table, max_items=2)
    assert [push(api, admin, source_id, i, "t").status_code for i in ("a", "b", "c")] == [201, 201, 409]
    assert api.call("DELETE", f"/v1/sources/{source_id}/items/a", admin).status_code in (200, 204)
    assert push(api, admin, source_id, "c", "t").status_code == 201
    assert push(api, admin, source_id, "d", "t").status_code == 409


@pytest.mark.parametrize("batches", [1, 2])
def test_batches_store_what_fits_and_refuse_the_rest_per_operation(api, table, batches):
    # Given a tenant allowed 5 items, and `batches` concurrent batches of 8 / 4 new items
    admin, source_id = tenant_with(api, table, max_items=5)
    size = 8 // batches
    bodies = [{"items": [{"externalItemId": f"b{b}-{i}", "content": "t"} for i in range(size)]} for b in range(batches)]
    with ThreadPoolExecutor(batches) as pool:
        replies = list(
            pool.map(lambda body: api.call("POST", f"/v1/sources/{source_id}/items/batch", admin, body), bodies)
        )
    # Then exactly five operations succeed; the others fail with quota_exceeded
    results = [result for reply in replies for result in reply.json()["results"]]
    assert sum(reply.json()["succeeded"] for reply in replies) == 5
    failed = [result for result in results if result["outcome"] == "failed"]
    assert len(failed) == 3 and all(result["error"].startswith("quota_exceeded:") for result in failed)
    assert len(stored_ids(api, admin, source_id)) == 5
