"""Listing the staging set the way documents are listed: filtered by tag, state, last update and
title words, every item with its version, pages that stop at their last match."""

from datetime import UTC, datetime, timedelta

import pytest

from kb.errors import InvalidCursor
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, ItemFilter
from kb.items.service import list_items


def _push(items, sources, source, batch: list[dict], deletes: list[str] | None = None) -> None:
    apply_batch(items, sources, source, BatchRequest(items=batch, deletes=deletes or []))


def _all_pages(items, source, item_filter: ItemFilter, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = list_items(items, source, limit, cursor, item_filter)
        pages.append([i.external_item_id for i in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_every_item_carries_a_version_that_grows_with_each_change(items, sources, source):
    # Given an item created, changed, then sent again unchanged
    _push(items, sources, source, [{"externalItemId": "a", "content": "one"}])
    _push(items, sources, source, [{"externalItemId": "a", "content": "two"}])
    _push(items, sources, source, [{"externalItemId": "a", "content": "two"}])
    # When the staging set is listed
    listed = list_items(items, source, 10, None).items
    # Then the item is at version 2: created, changed once; the unchanged push wrote nothing
    assert [(i.external_item_id, i.version) for i in listed] == [("a", 2)]


def test_a_tag_filter_keeps_items_carrying_every_tag_and_pages_stop_at_their_last_match(items, sources, source):
    # Given 300 items, every third tagged "billing" and every sixth also "faq"
    batch = [
        {
            "externalItemId": f"doc-{i:03d}",
            "content": f"Doc {i}",
            "tags": (["billing"] if i % 3 == 0 else []) + (["faq"] if i % 6 == 0 else []),
        }
        for i in range(300)
    ]
    _push(items, sources, source, batch)
    # When they are listed by tag, 7 at a time
    billing = _all_pages(items, source, ItemFilter(tags=["billing"]), 7)
    both = _all_pages(items, source, ItemFilter(tags=["billing", "faq"]), 100)
    # Then every page but the last is full, and together they are exactly the tagged items, in order
    assert all(len(page) == 7 for page in billing[:-1])
    assert [i for page in billing for i in page] == [f"doc-{i:03d}" for i in range(0, 300, 3)]
    assert [i for page in both for i in page] == [f"doc-{i:03d}" for i in range(0, 300, 6)]


def test_state_and_deleted_items(items, sources, source):
    # Given an active item, a deleted one and a tombstoned (missing) one
    _push(items, sources, source, [{"externalItemId": x, "content": x} for x in ("kept", "gone", "tomb")], ["gone"])
    record = items.get(source.id, "tomb")
    items.write(source, record.model_copy(update={"state": "missing", "missing_since": record.updated_at}), record)
    # When listed by state, and without one
    missing = list_items(items, source, 10, None, ItemFilter(state="missing")).items
    every = list_items(items, source, 10, None, ItemFilter()).items
    # Then the missing one alone, and never the deleted one
    assert [i.external_item_id for i in missing] == ["tomb"]
    assert sorted(i.external_item_id for i in every) == ["kept", "tomb"]


def test_updated_since_and_title_words(items, sources, source):
    # Given two items pushed now
    before = datetime.now(UTC) - timedelta(seconds=1)
    _push(
        items,
        sources,
        source,
        [
            {"externalItemId": "r", "content": "x", "title": "Refund Policy for Annual Plans"},
            {"externalItemId": "s", "content": "y", "title": "Shipping times"},
        ],
    )
    # When listed by update time and by title words (any case, any order)
    since_before = list_items(items, source, 10, None, ItemFilter(updated_since=before)).items
    since_later = list_items(items, source, 10, None, ItemFilter(updated_since=before + timedelta(days=1))).items
    titled = list_items(items, source, 10, None, ItemFilter(title_query="plans REFUND")).items
    # Then the time bounds and the words decide
    assert len(since_before) == 2 and since_later == []
    assert [i.external_item_id for i in titled] == ["r"]


def test_a_sparse_filter_stops_at_its_read_budget_with_a_cursor_that_goes_on(items, sources, source):
    # Given 2,500 items of which only the last carries a tag
    batch: list[dict] = [{"externalItemId": f"doc-{i:04d}", "content": f"Doc {i}"} for i in range(2500)]
    batch[-1]["tags"] = ["rare"]
    for start in range(0, 2500, 1000):
        _push(items, sources, source, batch[start : start + 1000])
    # When the tag is listed
    first = list_items(items, source, 10, None, ItemFilter(tags=["rare"]))
    second = list_items(items, source, 10, first.next_cursor, ItemFilter(tags=["rare"]))
    # Then the first request read its budget and found nothing, but says where to go on; the next finds it
    assert first.items == [] and first.next_cursor is not None
    assert [i.external_item_id for i in second.items] == ["doc-2499"] and second.next_cursor is None


def test_a_cursor_does_not_carry_over_to_another_filter(items, sources, source):
    # Given a page of one filter with a cursor
    _push(items, sources, source, [{"externalItemId": f"d{i}", "content": "x", "tags": ["t"]} for i in range(5)])
    page = list_items(items, source, 2, None, ItemFilter(tags=["t"]))
    # When its cursor is sent with another filter
    # Then it is refused
    with pytest.raises(InvalidCursor):
        list_items(items, source, 2, page.next_cursor, ItemFilter(tags=["u"]))
