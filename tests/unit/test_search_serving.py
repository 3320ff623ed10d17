"""Serving rules: filters, the grace window, modes, fusion and the generation cache."""

from datetime import UTC, datetime
from typing import cast

import pytest

from kb.errors import SemanticUnavailable
from kb.search.cache import GenerationCache
from kb.search.filters import item_filter
from kb.search.index import IndexedItem, LivePart, SearchIndex
from kb.search.models import SearchFilters
from kb.search.segments import build_segment
from kb.search.service import Hit, _fuse, rank, resolve_mode
from kb.sources.models import Source
from tests.unit.search_fixtures import CountingEmbedder, item

NOW = datetime(2026, 6, 10, tzinfo=UTC)
SOURCE = Source(id="src", tenant_id="t", name="s", grace_days=7, created_at="2026-01-01T00:00:00Z")


def indexed(tags=(), metadata=None, missing_since=None):
    segment_item, _ = item("x", "text", tags=list(tags), metadata=metadata or {})
    return IndexedItem(segment_item, missing_since)


def passes(filters, entry, grace_days=7):
    predicate = item_filter(SearchFilters.model_validate(filters) if filters else None, grace_days, NOW, "src_1")
    return predicate(entry)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"tags": {"any": ["a", "z"]}}, True),
        ({"tags": {"any": ["z"]}}, False),
        ({"tags": {"all": ["a", "b"]}}, True),
        ({"tags": {"all": ["a", "z"]}}, False),
        ({"metadata": {"kind": {"eq": "faq"}}}, True),
        ({"metadata": {"kind": {"eq": "guide"}}}, False),
        ({"metadata": {"kind": {"in": ["guide", "faq"]}}}, True),
        ({"metadata": {"year": {"gte": 2024, "lt": 2025}}}, True),
        ({"metadata": {"year": {"gt": 2024}}}, False),
        ({"metadata": {"year": {"eq": "2024"}}}, False),  # a string is not the number 2024
        ({"metadata": {"kind": {"gte": "e", "lte": "g"}}}, True),  # strings range lexically
        ({"metadata": {"year": {"gte": "2000"}}}, False),  # a string bound does not compare with a number
        ({"metadata": {"missing": {"eq": 1}}}, False),
    ],
)
def test_filters_on_tags_and_metadata(filters, expected):
    entry = indexed(tags=["a", "b"], metadata={"kind": "faq", "year": 2024})
    assert passes(filters, entry) is expected


def test_a_metadata_condition_is_exactly_one_kind():
    with pytest.raises(ValueError, match="exactly one"):
        SearchFilters.model_validate({"metadata": {"year": {"eq": 1, "gte": 0}}})


def test_a_tombstone_serves_until_its_grace_window_has_passed():
    assert passes(None, indexed(missing_since="2026-06-04T00:00:00.000Z")) is True  # 6 days ago
    assert passes(None, indexed(missing_since="2026-06-02T00:00:00.000Z")) is False  # 8 days ago
    assert passes(None, indexed(missing_since="2026-06-10T00:00:00.000Z"), grace_days=0) is False


def test_without_embeddings_the_default_mode_is_keyword_and_semantic_is_refused():
    index = SearchIndex("src", "gen", [LivePart(build_segment([item("a", "refund")]), {"a": ("h1", None)})])
    assert resolve_mode(None, [index], None) == "keyword"
    with pytest.raises(SemanticUnavailable, match="no embedding provider"):
        resolve_mode("hybrid", [index], None)
    with pytest.raises(SemanticUnavailable, match="counting-test-model"):
        resolve_mode("semantic", [index], CountingEmbedder())  # the generation has no embeddings


def embedded_index(embedder):
    docs = [item("refunds", "refund policy"), item("shipping", "shipping parcel times")]
    vectors = embedder.embed([chunks[0].text for _, chunks in docs])
    segment = build_segment(docs, vectors, embedder.model_id)
    return SearchIndex("src", "gen", [LivePart(segment, {"refunds": ("h1", None), "shipping": ("h1", None)})])


def test_with_embeddings_the_default_mode_is_hybrid_and_semantic_finds_meaning():
    embedder = CountingEmbedder()
    index = embedded_index(embedder)
    assert resolve_mode(None, [index], embedder) == "hybrid"
    hits = rank("my parcel", "semantic", [(SOURCE, index)], embedder, None, lambda _: NOW, 1)
    assert index.items[int(index.chunk_item[hits[0].chunk])].item.external_item_id == "shipping"


def test_hybrid_ranks_by_reciprocal_rank_fusion_of_both_rankings():
    embedder = CountingEmbedder()
    index = embedded_index(embedder)
    hits = rank("refund parcel", "hybrid", [(SOURCE, index)], embedder, None, lambda _: NOW, 10)
    # "refund policy" is first by BM25 (shorter) and by cosine; "shipping parcel times" second in both
    assert [index.items[int(index.chunk_item[h.chunk])].item.external_item_id for h in hits] == ["refunds", "shipping"]
    assert [h.score for h in hits] == pytest.approx([2 / 61, 2 / 62])
    assert all(hit.keyword > 0 and hit.similarity is not None for hit in hits)


def test_fusion_adds_each_rankings_reciprocal_rank():
    index = cast(SearchIndex, object())
    keyword = [Hit(index, 1, 9.0, keyword=9.0), Hit(index, 2, 5.0, keyword=5.0)]
    semantic = [
        Hit(index, 2, 0.9, similarity=0.9),
        Hit(index, 1, 0.8, similarity=0.8),
        Hit(index, 3, 0.1, similarity=0.1),
    ]
    fused = {hit.chunk: hit for hit in _fuse(keyword, semantic)}
    assert fused[1].score == pytest.approx(1 / 61 + 1 / 62) == fused[2].score
    assert fused[3].score == pytest.approx(1 / 63)
    assert (fused[1].keyword, fused[1].similarity) == (9.0, 0.8)


class FakeIndex:
    def __init__(self, megabytes):
        self.nbytes = megabytes * 1024 * 1024


def test_the_cache_loads_a_generation_once_and_evicts_the_least_recently_used():
    cache = GenerationCache(max_bytes=3 * 1024 * 1024)
    loads = []

    def loader(name, size):
        def load():
            loads.append(name)
            return cast(SearchIndex, FakeIndex(size))

        return load

    cache.get("g1", loader("g1", 1))
    cache.get("g2", loader("g2", 1))
    cache.get("g1", loader("g1", 1))  # a hit: g1 is now the most recent
    cache.get("g3", loader("g3", 2))  # over budget: g2 goes
    assert loads == ["g1", "g2", "g3"]
    assert ("g1" in cache, "g2" in cache, "g3" in cache) == (True, False, True)


def test_a_generation_larger_than_the_budget_is_still_served():
    cache = GenerationCache(max_bytes=1024)
    index = cache.get("big", lambda: cast(SearchIndex, FakeIndex(5)))
    assert cache.get("big", lambda: cast(SearchIndex, FakeIndex(0))) is index


def test_a_small_hybrid_limit_is_the_head_of_the_full_fused_ranking():
    # Given a query that BM25 ranks a > c > b and the embeddings c > b > a
    embedder = CountingEmbedder()
    docs = [item("a", "refund refund refund policy"), item("b", "money parcel shipping"), item("c", "refund money")]
    segment = build_segment(docs, embedder.embed([chunks[0].text for _, chunks in docs]), embedder.model_id)
    index = SearchIndex("src", "gen", [LivePart(segment, dict.fromkeys("abc", ("h1", None)))])

    def first(mode, limit):
        return [
            hit.item.external_item_id
            for hit in rank("policy money", mode, [(SOURCE, index)], embedder, None, lambda _: NOW, limit)
        ]

    assert (first("keyword", 3), first("semantic", 3)) == (["a", "c", "b"], ["c", "b", "a"])
    # When only one result is asked for, then it is the fused winner (c: second and first), not a
    # fusion of the two one-deep lists (where a and c tie and a would come first)
    assert first("hybrid", 1) == first("hybrid", 3)[:1] == ["c"]
