"""Segments and the in-memory index: postings, BM25 over live chunks only, storage round trip."""

import numpy as np

from kb.search.index import LivePart, SearchIndex, top
from kb.search.segments import Segment, build_segment
from kb.search.text import terms
from tests.unit.search_fixtures import item

DOCS = [
    item("refunds", "Refunds are processed within 14 days.", title="Refund policy"),
    item("shipping", "Standard shipping takes 3 to 5 business days."),
    item("password", "Reset your password from the Security settings."),
]
LIVE = {"refunds": ("h1", None), "shipping": ("h1", None), "password": ("h1", None)}


def ranked_items(index: SearchIndex, query: str) -> list[str]:
    return [
        index.items[int(index.chunk_item[c])].item.external_item_id for c, _ in top(index.keyword_scores(query), 10)
    ]


def test_terms_are_lower_cased_stemmed_and_free_of_stop_words():
    assert terms("The Refunds are PROCESSED quickly") == ["refund", "process", "quick"]


def test_a_segment_counts_each_terms_occurrences_per_chunk():
    segment = build_segment([item("a", "refund refund shipping")])
    refund = segment.vocabulary.index("refund")
    start, end = segment.term_offsets[refund], segment.term_offsets[refund + 1]
    assert (segment.posting_chunks[start:end].tolist(), segment.posting_counts[start:end].tolist()) == ([0], [2])
    assert segment.chunk_length.tolist() == [3]


def test_a_segment_survives_its_storage_format():
    segment = build_segment(DOCS, np.eye(3, 4, dtype=np.float32), "model-x")
    restored = Segment.from_bytes(segment.to_bytes())
    assert restored.items == segment.items and restored.chunk_texts == segment.chunk_texts
    assert restored.vocabulary == segment.vocabulary
    assert np.array_equal(restored.posting_counts, segment.posting_counts)
    assert restored.embeddings is not None and np.allclose(restored.embeddings, np.eye(3, 4))
    assert restored.embedding_model == "model-x"


def test_keyword_scores_rank_the_item_with_the_query_terms_first():
    index = SearchIndex("src", "gen", [LivePart(build_segment(DOCS), LIVE)])
    assert ranked_items(index, "how long do refunds take")[0] == "refunds"
    assert ranked_items(index, "business days shipping")[0] == "shipping"


def test_a_title_matches_every_chunk_of_its_item():
    index = SearchIndex("src", "gen", [LivePart(build_segment(DOCS), LIVE)])
    assert ranked_items(index, "policy") == ["refunds"]


def test_items_the_manifest_does_not_hold_at_that_hash_are_not_served():
    live = {"refunds": ("h2", None), "shipping": ("h1", None)}  # refunds changed since; password deleted
    index = SearchIndex("src", "gen", [LivePart(build_segment(DOCS), live)])
    assert [entry.item.external_item_id for entry in index.items] == ["shipping"]
    assert ranked_items(index, "refunds password shipping") == ["shipping"]


def test_a_query_with_no_known_terms_finds_nothing():
    index = SearchIndex("src", "gen", [LivePart(build_segment(DOCS), LIVE)])
    assert top(index.keyword_scores("zebra"), 10) == []


def test_top_honours_a_mask_and_the_limit():
    scores = np.array([0.5, 0.9, 0.1, 0.7], dtype=np.float32)
    assert [c for c, _ in top(scores, 2)] == [1, 3]
    assert [c for c, _ in top(scores, 10, np.array([True, False, True, True]))] == [3, 0, 2]
