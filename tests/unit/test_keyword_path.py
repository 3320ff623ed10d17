"""The keyword query path's shortcuts give what the plain computation gives: scores from the
interleaved chunk and item postings, the top-k cut over matching chunks only, shown scores."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from kb.search.index import ITEM_B, ITEM_K1, K1, B, LivePart, SearchIndex, top, top_of
from kb.search.models import SearchFilters
from kb.search.segments import ChunkInput, SegmentItem, build_segment
from kb.search.service import rank, shown_score
from kb.search.text import terms
from kb.sources.models import Source

SOURCE = Source(id="src", tenant_id="t", name="s", grace_days=7, created_at="2026-01-01T00:00:00Z")
WORDS = ["refund", "shipping", "parcel", "password", "money", "policy", "days", "return", "label", "store"]


def corpus(seed: int, items: int, content_hash: str = "h1") -> list[tuple[SegmentItem, list[ChunkInput]]]:
    """Items of one to four chunks of random words (so terms repeat within and across chunks)."""
    rng = np.random.default_rng(seed)
    entries = []
    for i in range(items):
        tags = ["even"] if i % 2 == 0 else []
        segment_item = SegmentItem(f"item{seed}-{i}", content_hash, "", None, tags, {}, "en")
        chunks = [
            ChunkInput(f"chk{seed}-{i}-{c}", c, " ".join(rng.choice(WORDS, size=int(rng.integers(1, 12)))))
            for c in range(int(rng.integers(1, 5)))
        ]
        entries.append((segment_item, chunks))
    return entries


def two_segment_index() -> SearchIndex:
    """Two segments, one item of the first replaced by a version in the second (its old chunks dead)."""
    first, second = corpus(1, 12), corpus(2, 8)
    second.append((SegmentItem("item1-3", "h2", "", None, [], {}, "en"), [ChunkInput("chk-new", 0, "refund money")]))
    live = {entry.external_item_id: ("h1", None) for entry, _ in first + second}
    live["item1-3"] = ("h2", None)
    parts = [LivePart(build_segment(first), live), LivePart(build_segment(second), live)]
    return SearchIndex("src", "gen", parts)


def reference_scores(index: SearchIndex, query: str) -> list[float]:
    """BM25 of each live chunk plus its item's, counted straight from the chunks' texts."""
    chunk_terms = [terms(text) for text in index.chunk_texts]
    item_terms: dict[int, list[str]] = {}
    for chunk, words in enumerate(chunk_terms):
        item_terms.setdefault(int(index.chunk_item[chunk]), []).extend(words)

    def bm25(doc: list[str], docs: list[list[str]], k1: float, b: float, term: str) -> float:
        df = sum(term in d for d in docs)
        idf = math.log1p((len(docs) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        average = sum(len(d) for d in docs) / len(docs)
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / average))

    items = list(item_terms.values())
    query_terms = set(terms(query))
    scores = []
    for chunk, words in enumerate(chunk_terms):
        if not query_terms & set(words):
            scores.append(0.0)
            continue
        whole = item_terms[int(index.chunk_item[chunk])]
        scores.append(
            sum(bm25(words, chunk_terms, K1, B, t) + bm25(whole, items, ITEM_K1, ITEM_B, t) for t in query_terms)
        )
    return scores


@pytest.mark.parametrize("query", ["refund", "parcel policy", "money days label store", "zebra"])
def test_keyword_scores_are_each_matching_chunks_bm25_plus_its_items(query):
    # Given an index of two segments, one of whose items was replaced in the second
    index = two_segment_index()
    # When a query is scored
    scores = index.keyword_scores(query)
    # Then every live chunk scores what BM25 over chunks plus BM25 over items gives, and no other does
    assert np.allclose(scores, reference_scores(index, query), rtol=1e-5, atol=0)


def test_matching_chunks_are_exactly_those_with_a_score():
    index = two_segment_index()
    chunks, values = index.keyword_matches("parcel password")
    dense = index.keyword_scores("parcel password")
    assert chunks.tolist() == np.flatnonzero(dense > 0).tolist()
    assert values.tolist() == dense[chunks].tolist()


@pytest.mark.parametrize("limit", [1, 3, 10, 11, 100])
@pytest.mark.parametrize("count", [0, 5, 40, 3000])
def test_top_of_is_the_best_first_then_chunk_order_whatever_the_candidate_count(count, limit):
    # Given many candidates whose scores tie often (the cut falls among ties)
    rng = np.random.default_rng(count + limit)
    chunks = np.sort(rng.choice(10 * count + 1, size=count, replace=False)).astype(np.int64)
    values = rng.integers(1, 20, size=count).astype(np.float32) / 4
    # When the best `limit` are taken
    best = top_of(chunks, values, limit)
    # Then they are those of a full sort by score, ties in chunk order
    expected = sorted(zip(chunks.tolist(), values.tolist(), strict=True), key=lambda pair: (-pair[1], pair[0]))
    assert best == expected[:limit]


def test_a_filtered_keyword_search_ranks_as_the_dense_scores_do():
    # Given an index and a filter that keeps half of its items
    index = two_segment_index()
    filters = SearchFilters.model_validate({"tags": {"any": ["even"]}})
    keep = index.item_mask(lambda entry: "even" in entry.item.tags)

    # When a keyword search is ranked with the filter
    def now(_: Source) -> datetime:
        return datetime(2026, 6, 1, tzinfo=UTC)

    hits = rank("refund money policy", "keyword", [(SOURCE, index)], None, filters, now, 7)
    # Then its hits are the dense ranking's head under the same mask
    expected = top(index.keyword_scores("refund money policy"), 7, keep)
    assert [(hit.chunk, hit.score) for hit in hits] == expected
    assert all("even" in hit.item.tags for hit in hits) and len(hits) == 7


def test_shown_scores_are_the_float32_score_to_six_decimals():
    rng = np.random.default_rng(7)
    scores = [*rng.random(2000) * 40, 1 / 3, 0.1, 1e-9, 0.0, 12345.678901, -2.5]
    assert [shown_score(s) for s in scores] == [round(float(np.float32(s)), 6) for s in scores]
