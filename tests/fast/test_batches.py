"""Batches: few DynamoDB calls, and the same per-operation results as one-by-one writes."""

import threading

from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, UpsertItemRequest
from kb.items.repository import change_group_key, change_key
from kb.items.service import get_item, upsert_item
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import add_page, begin_snapshot, commit_snapshot


def _calls(store) -> list[str]:
    seen: list[str] = []
    store.dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: seen.append(model.name))
    return seen


def _items(n: int, version: int = 0, prefix: str = "doc") -> list[dict]:
    return [{"externalItemId": f"{prefix}-{i}", "content": f"Document {i}, version {version}."} for i in range(n)]


def test_a_batch_of_1000_new_items_costs_at_most_60_dynamodb_calls(store, items, sources, source):
    # Given a client that counts its calls
    calls = _calls(store)
    # When 1000 new items are pushed in one batch
    result = apply_batch(items, sources, source, BatchRequest(items=_items(1000)))
    # Then all are created, in few calls, and each is in the change log
    assert result.succeeded == 1000 and {r.outcome for r in result.results} == {"created"}
    assert len(calls) <= 60, sorted(set(calls))
    assert len(items.changed_between(source.id, 0, source.staging_epoch)) == 1000


def test_a_batch_logs_one_change_record_per_transaction_of_up_to_97_writes(store, items, sources, source):
    # Given a client that counts its calls
    calls = _calls(store)
    # When 1000 new items are pushed in one batch
    apply_batch(items, sources, source, BatchRequest(items=_items(1000)))
    # Then they took ceil(1000 / 97) = 11 transactions, each logging its ids in one record
    assert calls.count("TransactWriteItems") == 11
    logged = store.table.query_range(f"SOURCE#{source.id}", "CHG#", "CHG$")
    assert len(logged) == 11 and sum(len(record["ids"]) for record in logged) == 1000


def test_a_group_of_big_records_stays_under_a_transactions_4_mb(store, items, sources, source):
    # Given 60 items of 90 KiB inline content each (5.4 MB together) and a client that counts its calls
    calls = _calls(store)
    big = [{"externalItemId": f"big-{i}", "content": f"{i:03d}" + "x" * (90 * 1024 - 3)} for i in range(60)]
    # When they are pushed in one batch
    result = apply_batch(items, sources, source, BatchRequest(items=big))
    # Then they were split into transactions under 4 MB that all landed (no one-by-one retry)
    assert result.succeeded == 60
    assert calls.count("TransactWriteItems") == 2 and "PutItem" not in calls


def test_change_records_of_one_id_each_are_still_read(store, items, sources, source):
    # Given a change log holding a record of one id (the layout before group records) and a group record
    store.table.put(change_key(source.id, 1, "old-style"))
    store.table.put({**change_group_key(source.id, 1, "chg_1"), "ids": ["a", "b"]})
    # When the changes of that epoch are read
    changed = items.changed_between(source.id, 0, 1)
    # Then both layouts count
    assert changed == {"old-style", "a", "b"}


def test_a_repeated_batch_is_unchanged_and_reads_only(store, items, sources, source):
    apply_batch(items, sources, source, BatchRequest(items=_items(300)))
    calls = _calls(store)
    result = apply_batch(items, sources, source, BatchRequest(items=_items(300)))
    assert {r.outcome for r in result.results} == {"unchanged"}
    assert set(calls) == {"BatchGetItem"}


def test_an_id_named_twice_is_applied_in_order(items, sources, source):
    # Given a batch that upserts, upserts again, then deletes one id, and upserts another twice
    batch = BatchRequest(
        items=[
            {"externalItemId": "twice", "content": "first"},
            {"externalItemId": "twice", "content": "second"},
            {"externalItemId": "kept", "content": "one"},
            {"externalItemId": "kept", "content": "two"},
        ],
        deletes=["twice"],
    )
    # When it is applied
    result = apply_batch(items, sources, source, batch)
    # Then each operation saw the one before it
    assert [r.outcome for r in result.results] == ["created", "updated", "created", "updated", "deleted"]
    assert get_item(items, source, "kept").content == "two"


def test_a_writer_racing_the_batch_is_neither_lost_nor_overwritten_blindly(store, items, sources, source):
    # Given items the batch will update, and a writer that changes one of them right after the batch read it
    apply_batch(items, sources, source, BatchRequest(items=_items(10)))
    raced = threading.Event()

    def race(**_):
        if not raced.is_set():
            raced.set()
            upsert_item(items, sources, source, UpsertItemRequest(external_item_id="doc-3", content="raced"))

    store.dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", race)
    # When the batch writes
    result = apply_batch(items, sources, source, BatchRequest(items=_items(10, version=1)))
    # Then the batch's write of doc-3 was decided again on top of the racer's, and every result holds
    assert raced.is_set()
    assert [r.outcome for r in result.results] == ["updated"] * 10
    assert get_item(items, source, "doc-3").content == "Document 3, version 1."
    assert items.get(source.id, "doc-3").version == 3


def test_a_snapshot_commit_stages_in_batches(store, items, sources, snapshots, source):
    # Given a source of 1000 items and a snapshot that keeps 600 of them, changes 100 and adds 400
    apply_batch(items, sources, source, BatchRequest(items=_items(1000)))
    snapshot = begin_snapshot(snapshots, sources, sources.get(source.tenant_id, source.id))
    kept = _items(500) + _items(100, version=1)[:100] + _items(400, prefix="new")
    kept[500:600] = [{"externalItemId": f"doc-{500 + i}", "content": f"Changed {i}."} for i in range(100)]
    for start in range(0, len(kept), 500):
        add_page(snapshots, source, snapshot.id, SnapshotPageRequest(items=kept[start : start + 500]))
    calls = _calls(store)
    # When it is committed
    committed = commit_snapshot(snapshots, sources, items, source, snapshot.id, allow_mass_deletion=True)
    # Then every item is accounted for, in a bounded number of calls (not several per item)
    assert committed.counts is not None
    assert committed.counts.model_dump() == {
        "created": 400,
        "updated": 100,
        "unchanged": 500,
        "restored": 0,
        "missing": 400,
    }
    writes = [c for c in calls if c in ("PutItem", "UpdateItem", "TransactWriteItems", "GetItem")]
    assert len(writes) <= 60, {name: calls.count(name) for name in set(calls)}


def test_a_run_closing_the_epoch_mid_commit_does_not_send_the_rest_one_by_one(store, items, sources, snapshots, source):
    # Given a snapshot of 2,500 new items, and a run that closes the staging epoch once the first slice is staged
    snapshot = begin_snapshot(snapshots, sources, sources.get(source.tenant_id, source.id))
    wanted = _items(2500)
    for start in range(0, len(wanted), 500):
        add_page(snapshots, source, snapshot.id, SnapshotPageRequest(items=wanted[start : start + 500]))
    calls = _calls(store)
    closed = threading.Event()

    def close_after_first_slice(**_):
        if calls.count("TransactWriteItems") == 11 and not closed.is_set():  # the first 1,000 items landed
            closed.set()
            sources.close_epoch(sources.get(source.tenant_id, source.id))

    store.dynamodb.meta.events.register("before-call.dynamodb.BatchGetItem", close_after_first_slice)
    # When it is committed
    committed = commit_snapshot(snapshots, sources, items, source, snapshot.id, allow_mass_deletion=True)
    # Then all are staged, and the later slices went in transactions in the new epoch, not one write at a time
    assert committed.counts is not None and committed.counts.created == 2500
    assert closed.is_set() and calls.count("PutItem") <= 2, {name: calls.count(name) for name in set(calls)}
    assert len(items.changed_between(source.id, source.staging_epoch, source.staging_epoch + 1)) == 1500


def test_an_id_named_a_thousand_times_is_read_and_written_once(store, items, sources, source):
    # Given a batch that deletes one id 999 times after upserting it
    calls = _calls(store)
    batch = BatchRequest(items=[{"externalItemId": "same", "content": "x"}], deletes=["same"] * 999)
    # When it is applied
    result = apply_batch(items, sources, source, batch)
    # Then each operation has its result in order, from one read and one write
    assert [r.outcome for r in result.results[:3]] == ["created", "deleted", "not_found"]
    assert {r.outcome for r in result.results[2:]} == {"not_found"}
    assert len(calls) <= 3, calls
