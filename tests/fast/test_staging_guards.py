"""Limits before writes, race-safe writes, the change log, and the guards of snapshot commits."""

import threading

import pytest

from kb.errors import MassDeletion, SnapshotClosed
from kb.ids import iso_now
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, StagedItem, UpsertItemRequest
from kb.items.repository import StagingConflict
from kb.items.service import get_item, list_items, upsert_item
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import abort_snapshot, add_page, begin_snapshot, commit_snapshot


def _upsert(items, sources, source, item_id: str, content: str = "text"):
    return upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content=content))


def test_a_batch_keeps_one_result_per_operation_when_an_item_is_too_big(items, sources, source):
    # Given a batch whose middle item has tags too big for one record
    batch = BatchRequest(
        items=[
            {"externalItemId": "a", "content": "a"},
            {"externalItemId": "b", "content": "b", "tags": ["t" * 9000] * 50},
            {"externalItemId": "c", "content": "c", "metadata": {"big": "v" * 500_000}},
            {"externalItemId": "d", "content": "d"},
        ]
    )
    # When it is applied
    result = apply_batch(items, sources, source, batch)
    # Then the oversized items are invalid, the others written, nothing half-written
    assert [r.outcome for r in result.results] == ["created", "invalid", "invalid", "created"]
    assert "256" in (result.results[1].error or "") and "4096" in (result.results[2].error or "")
    assert [i.external_item_id for i in list_items(items, source, 50, None).items] == ["a", "d"]


class _FailingBlobs:
    """A storage fault for one item's content: the batch must report it and go on."""

    def __init__(self, inner, poisoned: str) -> None:
        self.inner, self.poisoned = inner, poisoned

    def put_text(self, key: str, text: str) -> None:
        if text.startswith(self.poisoned):
            raise OSError("injected storage fault")
        self.inner.put_text(key, text)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_a_failing_operation_is_its_own_result(store, items, sources, source):
    items.blobs = _FailingBlobs(store.blobs, "poison")
    batch = BatchRequest(
        items=[{"externalItemId": "ok", "content": "ok"}, {"externalItemId": "bad", "content": "poison" * 30_000}]
    )
    result = apply_batch(items, sources, source, batch)
    assert [r.outcome for r in result.results] == ["created", "failed"]
    assert (result.succeeded, result.failed) == (1, 1)
    assert [i.external_item_id for i in list_items(items, source, 50, None).items] == ["ok"]


@pytest.mark.parametrize("item_id", ["\U0001f600 smile", "\U00020000 rare cjk", "zz\U0010fffd"])
def test_ids_above_the_basic_plane_are_in_the_change_log(items, sources, source, item_id):
    # Given an item whose id starts (or ends) above U+FFFF, written in epoch 1
    _upsert(items, sources, source, item_id)
    # When a run reads the changes of epoch 1
    changed = items.changed_between(source.id, 0, 1)
    # Then it is there, and it counts as a change after epoch 0
    assert changed == {item_id}
    assert items.changed_after(source.id, 0)


def test_a_write_based_on_a_stale_read_is_refused(items, sources, source):
    # Given two writers that read the same version of an item
    _upsert(items, sources, source, "a", "one")
    first, second = items.get(source.id, "a"), items.get(source.id, "a")
    assert first is not None and second is not None
    # When the first writes (even back to the same hash and state) ...
    items.write(source, first.model_copy(update={"updated_at": iso_now()}), first)
    # Then the second, still based on the old version, is refused
    with pytest.raises(StagingConflict):
        items.write(source, second.model_copy(update={"title": "stale"}), second)


def test_concurrent_upserts_of_one_item_end_in_one_of_them(items, sources, source):
    contents = [f"version {n}" for n in range(8)]
    barrier = threading.Barrier(len(contents))

    def write(content: str) -> None:
        barrier.wait()
        _upsert(items, sources, source, "a", content)

    threads = [threading.Thread(target=write, args=(c,)) for c in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = items.get(source.id, "a")
    assert final is not None and final.content in contents and final.version == len(contents)


def _snapshot_with(snapshots, sources, source, ids: list[str]):
    snapshot = begin_snapshot(snapshots, sources, source)
    if ids:
        add_page(
            snapshots,
            source,
            snapshot.id,
            SnapshotPageRequest(items=[{"externalItemId": i, "content": i} for i in ids]),
        )
    return snapshot


def test_an_empty_snapshot_commit_is_a_mass_deletion(items, sources, snapshots, source):
    # Given a source with four items
    for n in range(4):
        _upsert(items, sources, source, f"i{n}")
    # When an empty snapshot is committed
    snapshot = _snapshot_with(snapshots, sources, source, [])
    with pytest.raises(MassDeletion):
        commit_snapshot(snapshots, sources, items, source, snapshot.id)
    # Then nothing went missing and the snapshot is still open
    assert {i.state for i in list_items(items, source, 50, None).items} == {"active"}
    assert snapshots.get(source.id, snapshot.id).status == "open"


def test_a_commit_within_the_threshold_is_not_guarded(items, sources, snapshots, source):
    for n in range(4):
        _upsert(items, sources, source, f"i{n}")
    snapshot = _snapshot_with(snapshots, sources, source, ["i0", "i1"])  # 2 of 4 leave: exactly 50 %
    committed = commit_snapshot(snapshots, sources, items, source, snapshot.id)
    assert committed.counts is not None and committed.counts.missing == 2


def test_a_mass_deletion_commits_when_the_caller_opts_in(items, sources, snapshots, source):
    for n in range(4):
        _upsert(items, sources, source, f"i{n}")
    snapshot = _snapshot_with(snapshots, sources, source, ["i0"])
    committed = commit_snapshot(snapshots, sources, items, source, snapshot.id, allow_mass_deletion=True)
    assert committed.counts is not None
    assert (committed.status, committed.counts.missing) == ("committed", 3)


def test_the_threshold_is_the_sources(items, sources, snapshots, source):
    for n in range(4):
        _upsert(items, sources, source, f"i{n}")
    strict = source.model_copy(update={"mass_deletion_threshold": 0})
    snapshot = _snapshot_with(snapshots, sources, strict, ["i0", "i1", "i2"])
    with pytest.raises(MassDeletion):
        commit_snapshot(snapshots, sources, items, strict, snapshot.id)


def test_an_interrupted_commit_can_be_aborted(items, sources, snapshots, source):
    # Given a snapshot left committing by an interrupted commit
    snapshot = _snapshot_with(snapshots, sources, source, ["a"])
    snapshots.transition(snapshot, ("open",), snapshot.model_copy(update={"status": "committing"}))
    # When it is aborted
    aborted = abort_snapshot(snapshots, sources, source, snapshot.id)
    # Then it is closed and a new snapshot can begin
    assert aborted.status == "aborted"
    assert begin_snapshot(snapshots, sources, sources.get(source.tenant_id, source.id)).status == "open"


def test_a_committed_snapshot_cannot_be_aborted(items, sources, snapshots, source):
    snapshot = _snapshot_with(snapshots, sources, source, ["a"])
    commit_snapshot(snapshots, sources, items, source, snapshot.id)
    with pytest.raises(SnapshotClosed):
        abort_snapshot(snapshots, sources, source, snapshot.id)


def test_records_written_before_versions_still_update(store, items, sources, source):
    # Given a record as an older writer left it (no version attribute)
    legacy = StagedItem(
        external_item_id="old",
        content="old",
        source_id=source.id,
        content_hash_value="h0",
        created_at=iso_now(),
        updated_at=iso_now(),
    )
    fields = {name: value for name, value in legacy.to_json_dict().items() if name != "version"}
    store.table.put({"pk": f"SOURCE#{source.id}", "sk": "ITEM#old", **fields})
    # When it is upserted
    result = _upsert(items, sources, source, "old", "new")
    # Then the write lands, now versioned
    assert result.outcome == "updated"
    assert get_item(items, source, "old").content == "new"
    assert items.get(source.id, "old").version == 1


@pytest.mark.parametrize("value", [1.5e40, -9.9e125, 2.5e-100, 10**37, 3.0])
def test_every_metadata_number_accepted_reads_back(items, sources, source, value):
    # Given an item whose metadata holds a number at the edges of what is accepted
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="n", content="x", metadata={"v": value}))
    # When it is read and listed
    read = get_item(items, source, "n").metadata["v"]
    listed = list_items(items, source, 50, None)
    # Then it reads back as the same number
    assert read == value
    assert [i.external_item_id for i in listed.items] == ["n"]
