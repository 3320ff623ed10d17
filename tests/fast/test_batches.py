"""Batches: few DynamoDB calls, and the same per-operation results as one-by-one writes."""

import threading

from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, UpsertItemRequest
from kb.items.service import get_item, upsert_item


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
