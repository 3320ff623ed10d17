"""Filters never silently return nothing for a large source: a 50,000-item generation's index,
built and stored the way an apply builds it (chunk documents -> segment -> S3) and read back the
way search loads it, where 5 items match a selective filter and rank far below the other 49,995.
Every filter shape, grouped or not, keyword and hybrid, finds all 5.

The same over HTTP, with timings, is bench/search/large_filter.py (minutes); this runs in seconds."""

from datetime import UTC, datetime

import pytest

from kb.generations.models import Chunk, ChunkDocument
from kb.search.build import indexed_change, write_segment
from kb.search.index import LivePart, SearchIndex
from kb.search.models import SearchFilters
from kb.search.segments import Segment
from kb.search.service import rank
from kb.sources.models import Source
from tests.fast.conftest import Store
from tests.unit.search_fixtures import CountingEmbedder

ITEMS = 50_000
NEEDLES = {f"needle-{n}" for n in range(5)}
NOW = datetime(2026, 6, 10, tzinfo=UTC)
SOURCE = Source(id="src_big", tenant_id="t", name="big", grace_days=7, created_at="2026-01-01T00:00:00Z")


def document(item_id: str) -> ChunkDocument:
    needle = item_id in NEEDLES
    # Every item matches "refund"; the others say it many times in a short text, so each of them
    # outranks every needle (one mention in a long text) in keyword and semantic rankings alike.
    text = (
        "refund " + "an unrelated note about weather and gardens " * 12 if needle else "refund refund refund money back"
    )
    return ChunkDocument(
        external_item_id=item_id,
        content_hash="h",
        title="",
        url=None,
        tags=["needle"] if needle else ["common"],
        metadata={"kind": "needle" if needle else "common", "labels": ["rare", "x"] if needle else ["x"]},
        language="en",
        chunks=[Chunk(id=f"chk_{item_id}", position=0, text=text)],
        updated_at="2026-03-01T00:00:00Z" if needle else "2026-01-01T00:00:00Z",
    )


@pytest.fixture(scope="module")
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def index(store: Store, embedder: CountingEmbedder) -> SearchIndex:
    # Given a 50,000-item generation, its segment written to S3 by the build and loaded by search
    # (the needles spread through it: one at the end of each 10,000)
    ids = [f"needle-{n // 10_000}" if n % 10_000 == 9_999 else f"item-{n}" for n in range(ITEMS)]
    changes = [indexed_change(document(item_id)) for item_id in ids]
    ref = write_segment("t/src_big/gen/segment-0", changes, store.blobs, embedder)
    assert ref is not None and ref.item_count == ITEMS
    segment = Segment.from_bytes(store.blobs.get_bytes(ref.key))
    return SearchIndex(SOURCE.id, "gen", [LivePart(segment, dict.fromkeys(ids, ("h", None)))])


FILTERS = [
    {"tags": {"any": ["needle"]}},
    {"metadata": {"kind": {"eq": "needle"}}},
    {"where": {"field": "tags", "op": "contains", "value": "needle"}},
    {"where": {"field": "metadata.labels", "op": "contains", "value": "rare"}},
    {
        "where": {
            "and": [
                {"field": "updatedAt", "op": "gte", "value": "2026-02-01"},
                {"field": "language", "op": "eq", "value": "en"},
            ]
        }
    },
    {"where": {"not": {"field": "metadata.kind", "op": "in", "value": ["common"]}}},
]


def test_a_selective_filter_finds_every_match_however_far_below_the_rest_they_rank(index, embedder):
    # (one build for both modes: building the index is most of this test's time)
    for mode in ("keyword", "hybrid"):
        # Given unfiltered, the 5 needles are not in the top 1,000 (they rank below every other item)
        top = rank("refund money", mode, [(SOURCE, index)], embedder, None, lambda _: NOW, 1000)
        assert not NEEDLES & {hit.item.external_item_id for hit in top}
        for filters in FILTERS:
            parsed = SearchFilters.model_validate(filters)
            for group in (False, True):
                # When the filter keeps only them, then all 5 come back, grouped by item or not
                hits = rank("refund money", mode, [(SOURCE, index)], embedder, parsed, lambda _: NOW, 10, group=group)
                assert {hit.item.external_item_id for hit in hits} == NEEDLES, (mode, filters, group)
