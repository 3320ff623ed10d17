"""Result shape: grouping by item, equal scores in a fixed order (so pages never reorder), highlights."""

from datetime import UTC, datetime

import numpy as np

from kb.search.highlights import highlight_spans
from kb.search.index import LivePart, SearchIndex, top
from kb.search.models import SearchFilters
from kb.search.segments import ChunkInput, SegmentItem, build_segment
from kb.search.service import rank
from kb.sources.models import Source

NOW = datetime(2026, 6, 10, tzinfo=UTC)
SOURCE = Source(id="src", tenant_id="t", name="s", grace_days=7, created_at="2026-01-01T00:00:00Z")


def many_chunks(item_id, texts):
    entry = SegmentItem(item_id, "h1", "", None, [], {}, None)
    return entry, [ChunkInput(f"chk_{item_id}_{n}", n, text) for n, text in enumerate(texts)]


def index_of(*docs):
    live = {entry.external_item_id: ("h1", None) for entry, _ in docs}
    return SearchIndex("src", "gen", [LivePart(build_segment(list(docs)), live)])


def test_grouped_results_show_each_item_once_by_its_best_chunk_with_its_matching_chunk_count():
    # Given an item with three chunks about refunds and one with one
    index = index_of(
        many_chunks("policy", ["refund refund refund", "refund rules", "refund times", "shipping"]),
        many_chunks("faq", ["refund question"]),
    )
    # When searched chunk by chunk, then grouped by item
    chunks = rank("refund", "keyword", [(SOURCE, index)], None, None, lambda _: NOW, 10)
    items = rank("refund", "keyword", [(SOURCE, index)], None, None, lambda _: NOW, 10, group=True)
    # Then the chunk list repeats "policy", the grouped one does not, and counts its matches
    assert [hit.item.external_item_id for hit in chunks].count("policy") == 3
    assert [(hit.item.external_item_id, hit.matching_chunks) for hit in items] == [("policy", 3), ("faq", 1)]
    assert items[0].chunk == chunks[0].chunk  # the item's best chunk stands for it


def test_equal_scores_come_in_chunk_order_and_a_deeper_call_extends_a_shallower_one():
    scores = np.array([1, 2, 2, 2, 2, 1, 2], dtype=np.float32)
    assert [c for c, _ in top(scores, 3)] == [1, 2, 3]
    assert [c for c, _ in top(scores, 6)] == [1, 2, 3, 4, 6, 0]


def test_highlights_are_the_words_that_analyse_to_a_query_term():
    text = "Refunds: we refund the money. The refunding of an order..."
    spans = highlight_spans("the refund", text)
    assert [text[start:end] for start, end in spans] == ["Refunds", "refund", "refunding"]
    assert highlight_spans("the and of", text) == []  # stop words only


def test_a_filters_mask_is_kept_per_generation_but_tombstones_are_judged_at_each_request():
    # Given two items, one a tombstone missing since June 5th, and a filter both pass
    entries = [many_chunks("kept", ["refund"]), many_chunks("gone", ["refund"])]
    live = {"kept": ("h1", None), "gone": ("h1", "2026-06-05T00:00:00Z")}
    index = SearchIndex("src", "gen", [LivePart(build_segment(entries), live)])
    filters = SearchFilters.model_validate({"where": {"field": "sourceId", "op": "eq", "value": "src"}})

    def found(now):
        hits = rank("refund", "keyword", [(SOURCE, index)], None, filters, lambda _: now, 10)
        return {hit.item.external_item_id for hit in hits}

    # When searched with the same filters inside the 7-day grace window and after it
    inside, after = found(datetime(2026, 6, 10, tzinfo=UTC)), found(datetime(2026, 6, 13, tzinfo=UTC))
    # Then the filter was evaluated once (its mask kept), and the tombstone expired all the same
    assert len(index._filter_masks) == 1
    assert (inside, after) == ({"kept", "gone"}, {"kept"})
