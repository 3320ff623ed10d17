"""Regressions found by attacking the staging set: lost replies, legacy shared content, long ids,
pages and aborts racing a commit."""

import hashlib
import threading

import pytest
from botocore.exceptions import ClientError

from kb.blobs import source_prefix
from kb.errors import SnapshotClosed, StalePlan
from kb.generations.build import build_generation
from kb.generations.models import ApplyTask
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, utcnow
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, UpsertItemRequest
from kb.items.service import delete_item, get_item, missing_decision, stage, upsert_item
from kb.runs.models import Run, RunTask
from kb.runs.repository import RunRepository
from kb.runs.service import compute_run
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import abort_snapshot, add_page, begin_snapshot, commit_snapshot
from kb.webhooks.events import EventPublisher

BIG = "z" * (150 * 1024)


def _page(*ids: str, content: str = "c-") -> SnapshotPageRequest:
    return SnapshotPageRequest(items=[{"externalItemId": i, "content": content + i} for i in ids])


def _active(items, sources, source, n: int) -> None:
    for i in range(n):
        upsert_item(items, sources, source, UpsertItemRequest(external_item_id=f"i{i}", content=f"c-i{i}"))


def test_an_upsert_whose_reply_was_lost_keeps_its_content(items, sources, source, monkeypatch):
    # Given a put that lands and is then retried (as botocore retries a timed-out request)
    real_put = items.table.put

    def put_twice(item, condition=None, **expr):
        real_put(item, condition, **expr)
        if item["sk"].startswith("ITEM#"):
            real_put(item, condition, **expr)  # fails its condition: the first attempt landed

    monkeypatch.setattr(items.table, "put", put_twice)
    # When a big item is upserted
    result = upsert_item(items, sources, source, UpsertItemRequest(external_item_id="big", content=BIG))
    monkeypatch.undo()
    # Then the write counts as landed and its content is still there
    assert result.outcome == "created"
    assert get_item(items, source, "big").content == BIG


def test_a_batch_whose_transaction_reply_was_lost_keeps_its_content(items, sources, source, monkeypatch):
    real = items.table.transact_items

    def transact_twice(operations, token=None):
        real(operations, token)
        real(operations, token)  # moto ignores the token: the retry is cancelled, as without one

    monkeypatch.setattr(items.table, "transact_items", transact_twice)
    result = apply_batch(items, sources, source, BatchRequest(items=[{"externalItemId": "big", "content": BIG}]))
    monkeypatch.undo()
    assert result.results[0].outcome == "created"
    assert get_item(items, source, "big").content == BIG


def test_content_shared_by_items_written_before_per_write_objects_is_never_deleted(store, items, sources, source):
    # Given two items as the previous layout stored them: one S3 object per content hash, shared
    digest = hashlib.sha256(BIG.encode()).hexdigest()
    key = f"{source_prefix(source.tenant_id, source.id)}content/{digest}.txt"
    store.blobs.put_text(key, BIG)
    content_hash = UpsertItemRequest(external_item_id="a", content=BIG).content_hash()
    for item_id in ("a", "b"):
        store.table.put(
            {
                "pk": f"SOURCE#{source.id}",
                "sk": f"ITEM#{item_id}",
                "externalItemId": item_id,
                "content": "",
                "contentRef": key,
                "sourceId": source.id,
                "contentHash": content_hash,
                "state": "active",
                "createdAt": "t",
                "updatedAt": "t",
            }
        )
    # When one of them is deleted
    delete_item(items, sources, source, "a")
    # Then the other still reads whole
    assert get_item(items, source, "b").content == BIG


@pytest.mark.parametrize("item_id", ["\U0001f600" * 251, "é" * 501, "x" * 257])
def test_an_id_too_long_for_a_key_is_refused_before_anything_is_written(items, sources, source, item_id):
    result = apply_batch(items, sources, source, BatchRequest(items=[{"externalItemId": item_id, "content": "x"}]))
    assert result.results[0].outcome == "invalid"
    assert items.table.query_all(f"SOURCE#{source.id}", "ITEM#") == []
    assert items.table.query_all(f"SOURCE#{source.id}", "CHG#") == []


def test_the_longest_id_is_in_the_change_log(items, sources, source):
    item_id = "\U0001f600" * 250  # 1,000 bytes
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content="x"))
    assert items.changed_between(source.id, 0, 1) == {item_id}


def test_deleting_an_id_no_key_can_hold_is_not_found(items, sources, source):
    result = apply_batch(items, sources, source, BatchRequest(deletes=["z" * 2000]))
    assert result.results[0].outcome == "not_found"


def test_a_page_racing_the_commit_is_committed_or_refused(items, sources, snapshots, source, monkeypatch):
    # Given 10 items, a snapshot holding 9, and a tenth page sent while the commit reads the snapshot
    _active(items, sources, source, 10)
    snapshot = begin_snapshot(snapshots, sources, source)
    add_page(snapshots, source, snapshot.id, _page(*[f"i{i}" for i in range(9)]))
    fresh = sources.get(source.tenant_id, source.id)
    answers: dict = {}
    real_ids = snapshots.item_ids

    def racing_ids(snapshot_id: str) -> list[str]:
        def send() -> None:
            try:
                answers["page"] = add_page(snapshots, fresh, snapshot.id, _page("i9"))
            except SnapshotClosed as refused:
                answers["page"] = refused

        thread = threading.Thread(target=send)
        thread.start()
        thread.join()
        return real_ids(snapshot_id)

    monkeypatch.setattr(snapshots, "item_ids", racing_ids)
    # When the commit runs
    commit_snapshot(snapshots, sources, items, fresh, snapshot.id)
    # Then the page was refused, or it is part of the commit: never accepted and dropped
    accepted = not isinstance(answers["page"], SnapshotClosed)
    assert items.get(source.id, "i9").state == ("active" if accepted else "missing")
    assert not accepted


def test_an_abort_stops_the_commit_marking_items_missing(items, sources, snapshots, source, monkeypatch):
    # Given a commit that will mark i9 missing, and an abort that lands just before it does
    _active(items, sources, source, 10)
    snapshot = begin_snapshot(snapshots, sources, source)
    add_page(snapshots, source, snapshot.id, _page(*[f"i{i}" for i in range(9)]))
    fresh = sources.get(source.tenant_id, source.id)
    aborted: list[str] = []
    real_write = items.write_group

    def abort_then_write(group_source, pending, checks):
        if not aborted and any(p.item.state == "missing" for p in pending):
            aborted.append(abort_snapshot(snapshots, sources, fresh, snapshot.id).status)
        return real_write(group_source, pending, checks)

    monkeypatch.setattr(items, "write_group", abort_then_write)
    # When the commit runs into the abort
    with pytest.raises(SnapshotClosed):
        commit_snapshot(snapshots, sources, items, fresh, snapshot.id)
    # Then the abort answered, and nothing went missing after it
    assert aborted == ["aborted"]
    assert items.get(source.id, "i9").state == "active"


def test_an_abort_while_the_commit_loads_big_content_is_snapshot_closed(items, sources, snapshots, source, monkeypatch):
    snapshot = begin_snapshot(snapshots, sources, source)
    add_page(snapshots, source, snapshot.id, _page("b0", "b1", content=BIG))
    fresh = sources.get(source.tenant_id, source.id)
    real_requests = snapshots.requests

    def abort_first(snapshot_id, ids):
        abort_snapshot(snapshots, sources, fresh, snapshot.id)
        return real_requests(snapshot_id, ids)

    monkeypatch.setattr(snapshots, "requests", abort_first)
    with pytest.raises(SnapshotClosed):
        commit_snapshot(snapshots, sources, items, fresh, snapshot.id)


def test_pages_racing_with_one_big_id_never_mix_their_fields(items, sources, snapshots, source, store, monkeypatch):
    # Given page A paused between writing its content and its record, while page B sends the same id
    snapshot = begin_snapshot(snapshots, sources, source)
    real_put_many = store.table.put_many
    a_ready, b_done = threading.Event(), threading.Event()

    def pausing_put_many(records):
        if records and records[0].get("title") == "A":
            a_ready.set()
            assert b_done.wait(30)
        real_put_many(records)

    monkeypatch.setattr(store.table, "put_many", pausing_put_many)

    def page(title: str) -> SnapshotPageRequest:
        return SnapshotPageRequest(items=[{"externalItemId": "d", "title": title, "content": f"{title}-{BIG}"}])

    thread = threading.Thread(target=lambda: add_page(snapshots, source, snapshot.id, page("A")))
    thread.start()
    assert a_ready.wait(30)
    add_page(snapshots, source, snapshot.id, page("B"))
    b_done.set()
    thread.join()
    # When the snapshot is committed
    commit_snapshot(snapshots, sources, items, sources.get(source.tenant_id, source.id), snapshot.id)
    # Then the item is one page's, whole
    item = get_item(items, source, "d")
    assert (item.title, item.content[:2]) in {("A", "A-"), ("B", "B-")}


def test_a_batch_needs_no_source_read_after_its_transactions(items, sources, source, monkeypatch):
    def unavailable(tenant_id, source_id):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "x"}}, "GetItem")

    monkeypatch.setattr(sources, "get", unavailable)
    result = apply_batch(items, sources, source, BatchRequest(items=[{"externalItemId": "a", "content": "x"}]))
    assert result.results[0].outcome == "created"


def test_a_tombstone_keeps_content_through_a_lost_reply(items, sources, source, monkeypatch):
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="big", content=BIG))
    real_put = items.table.put

    def put_twice(item, condition=None, **expr):
        real_put(item, condition, **expr)
        if item["sk"].startswith("ITEM#"):
            real_put(item, condition, **expr)

    monkeypatch.setattr(items.table, "put", put_twice)
    stage(items, sources, source, "big", missing_decision)
    monkeypatch.undo()
    assert get_item(items, source, "big").content == BIG


def test_a_build_refuses_an_item_deleted_after_its_run(store, items, sources, source):
    # Given a run that plans to create "doc"
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="doc", content="the real content"))
    runs = RunRepository(store.table)
    run = Run(id="run_1", source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now())
    runs.create(run)
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
    compute_run(task, sources, items, runs, store.blobs, utcnow, EventPublisher(None, ""))
    # When "doc" is deleted before the build reads it
    delete_item(items, sources, sources.get(source.tenant_id, source.id), "doc")
    apply = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id, generation_id="gen_1")
    # Then the build refuses the stale plan instead of publishing the deleted item's placeholder
    with pytest.raises(StalePlan):
        build_generation(apply, sources, items, store.blobs, _Unrecorded(store.table), None)


class _Unrecorded(GenerationRepository):
    """The build's progress reports, dropped: no apply recorded this generation."""

    def start(self, *_: object) -> None:
        pass

    def report(self, *_: object) -> None:
        pass
