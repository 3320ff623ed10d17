"""Content over the inline limit (kept in S3) works on every path of the staging set."""

from kb.items.models import UpsertItemRequest
from kb.items.repository import INLINE_CONTENT_LIMIT
from kb.items.service import delete_item, get_item, list_items, missing_decision, stage, upsert_item
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import add_page, begin_snapshot, commit_snapshot

BIG = "big content. " * (INLINE_CONTENT_LIMIT // 10)  # ~130 KB: offloaded
HUGE = "x" * (450 * 1024)  # over DynamoDB's 400 KB record limit


def _upsert(items, sources, source, item_id: str, content: str):
    return upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content=content))


def _content_objects(store) -> list[str]:
    return [key for key in store.objects() if "/content/" in key]


def test_a_source_with_a_big_item_lists(store, items, sources, source):
    # Given a source holding a big item and a small one
    _upsert(items, sources, source, "big", BIG)
    _upsert(items, sources, source, "small", "small")
    # When it is listed
    page = list_items(items, source, 50, None)
    # Then both are there
    assert [i.external_item_id for i in page.items] == ["big", "small"]


def test_a_big_item_reads_back_whole(store, items, sources, source):
    _upsert(items, sources, source, "big", BIG)
    assert get_item(items, source, "big").content == BIG


def test_tombstoning_a_big_item_keeps_its_content(store, items, sources, source):
    # Given a big item
    _upsert(items, sources, source, "big", BIG)
    # When it goes missing (as a snapshot commit does)
    stage(items, sources, source, "big", missing_decision)
    # Then it still reads back whole, with the same hash, its content still in S3
    item = get_item(items, source, "big")
    assert (item.state, item.content) == ("missing", BIG)
    assert len(_content_objects(store)) == 1


def test_restoring_a_tombstoned_big_item(store, items, sources, source):
    _upsert(items, sources, source, "big", BIG)
    stage(items, sources, source, "big", missing_decision)
    result = _upsert(items, sources, source, "big", BIG)
    assert result.outcome == "restored"
    assert get_item(items, source, "big").content == BIG
    assert len(_content_objects(store)) == 1  # the tombstone's copy went when the restore landed


def test_deleting_a_big_item_deletes_its_offloaded_content(store, items, sources, source):
    # Given a big item
    _upsert(items, sources, source, "big", BIG)
    # When it is deleted
    delete_item(items, sources, source, "big")
    # Then no content is left behind in S3, and the item can be created again
    assert _content_objects(store) == []
    assert _upsert(items, sources, source, "big", BIG).outcome == "created"


def test_replacing_big_content_leaves_only_the_new_content(store, items, sources, source):
    _upsert(items, sources, source, "big", BIG)
    _upsert(items, sources, source, "big", BIG + " more")
    assert len(_content_objects(store)) == 1
    assert get_item(items, source, "big").content == BIG + " more"


def test_shrinking_big_content_to_inline_deletes_the_offloaded_copy(store, items, sources, source):
    _upsert(items, sources, source, "big", BIG)
    _upsert(items, sources, source, "big", "now small")
    assert _content_objects(store) == []
    assert get_item(items, source, "big").content == "now small"


def test_an_unchanged_big_upsert_answers_the_content(store, items, sources, source):
    _upsert(items, sources, source, "big", BIG)
    result = _upsert(items, sources, source, "big", BIG)
    assert (result.outcome, result.item.content) == ("unchanged", BIG)


def test_a_snapshot_carries_an_item_over_400_kb(store, items, sources, snapshots, source):
    # Given an open snapshot
    snapshot = begin_snapshot(snapshots, sources, source)
    # When a page with an item over DynamoDB's record limit is added and the snapshot committed
    page = add_page(
        snapshots, source, snapshot.id, SnapshotPageRequest(items=[{"externalItemId": "huge", "content": HUGE}])
    )
    committed = commit_snapshot(snapshots, sources, items, source, snapshot.id)
    # Then the item is staged whole and the snapshot's own copy is gone
    assert committed.counts is not None
    assert (page.accepted, committed.status, committed.counts.created) == (1, "committed", 1)
    assert get_item(items, source, "huge").content == HUGE
    assert [k for k in store.objects() if "/snapshots/" in k] == []
