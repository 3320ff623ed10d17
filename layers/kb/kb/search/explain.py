""" "Why not this item?": for a query and one item, where the item stands in the search the same
request would run. Each step that can drop an item is checked in the order search applies them:
the source serves, the item is in its published generation, a tombstone is inside its grace, the
filters pass, the query matches, and the item ranks within the limit."""

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np

from kb.blobs import BlobStore
from kb.ids import parse_iso
from kb.items.repository import ItemRepository
from kb.search.cache import GenerationCache
from kb.search.embeddings import EmbeddingProvider
from kb.search.filters import failed_conditions, item_filter
from kb.search.index import IndexedItem, SearchIndex
from kb.search.models import ChunkScores, ExplainRequest, Explanation
from kb.search.query import MIN_SIMILARITY
from kb.search.service import (
    FUSION_DEPTH,
    chunk_location,
    open_indexes,
    rank,
    resolve_mode,
    searchable_sources,
    shown_score,
)
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source


def explain(
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    cache: GenerationCache,
    embedder: EmbeddingProvider | None,
    tenant_id: str,
    request: ExplainRequest,
    clock: Callable[[Source], datetime],
) -> Explanation:
    source = get_source(sources, tenant_id, request.source_id)
    verdict = _Verdict(request)
    if request.source_ids is not None and source.id not in request.source_ids:
        return verdict("source_not_searched", f"Source {source.id} is not among the request's sourceIds.")
    if source.status != "active":
        return verdict("source_archived", f"Source {source.id} is archived: it serves nothing.")
    if source.current_generation_id is None:
        return verdict("not_published", f"Source {source.id} has no published generation yet: run and apply it.")
    opened = open_indexes(searchable_sources(sources, tenant_id, request.source_ids), blobs, cache)
    index = next(index for serving, index in opened if serving.id == source.id)
    verdict.generation_id = index.generation_id
    entry = next((e for e in index.items if e.item.external_item_id == request.external_item_id), None)
    if entry is None:
        return _not_in_generation(verdict, items, source, request.external_item_id, index.generation_id)
    if entry.missing_since and parse_iso(entry.missing_since) <= clock(source) - timedelta(days=source.grace_days):
        return verdict(
            "tombstone_expired",
            f"The item went missing at {entry.missing_since}; its tombstone served for the source's "
            f"{source.grace_days} grace days, which have passed (the next run purges it).",
        )
    failed = failed_conditions(request.filters, entry, source.id)
    if failed:
        verdict.failed_conditions = failed
        return verdict("filtered_out", f"The item fails the filter conditions: {', '.join(failed)}.")
    mode = resolve_mode(request.mode, [i for _, i in opened], embedder)
    verdict.mode = mode
    depth = max(request.limit, FUSION_DEPTH)
    hits = rank(request.query, mode, opened, embedder, request.filters, clock, depth, request.language)
    positions = [n for n, hit in enumerate(hits, start=1) if hit.index is index and hit.item is entry.item]
    verdict.best_chunk = _scores(index, entry, request, embedder, mode, source, clock, opened)
    if positions and request.min_score is not None and shown_score(hits[positions[0] - 1].score) < request.min_score:
        verdict.rank = positions[0]
        score = hits[positions[0] - 1].score
        return verdict(
            "below_min_score", f"The item's best chunk scores {score:.6g}, below minScore {request.min_score}."
        )
    if positions and positions[0] <= request.limit:
        verdict.rank = positions[0]
        return verdict("returned", f"The item's best chunk is result {positions[0]} of {request.limit}.")
    best = verdict.best_chunk
    if best is None or (best.keyword_score == 0 and (best.similarity is None or best.similarity < MIN_SIMILARITY)):
        return verdict("no_match", "No chunk of the item shares a term with the query, nor is close to it in meaning.")
    verdict.rank = positions[0] if positions else None
    where = f"result {positions[0]}" if positions else f"below the top {FUSION_DEPTH} of every ranking"
    return verdict("ranked_below_limit", f"The item's best chunk ranks {where}, past the limit of {request.limit}.")


class _Verdict:
    def __init__(self, request: ExplainRequest) -> None:
        self.request = request
        self.generation_id: str | None = None
        self.mode: str | None = None
        self.rank: int | None = None
        self.best_chunk: ChunkScores | None = None
        self.failed_conditions: list[str] = []

    def __call__(self, verdict: str, reason: str) -> Explanation:
        return Explanation.model_validate(
            {
                "externalItemId": self.request.external_item_id,
                "sourceId": self.request.source_id,
                "verdict": verdict,
                "reason": reason,
                "generationId": self.generation_id,
                "mode": self.mode,
                "rank": self.rank,
                "limit": self.request.limit,
                "bestChunk": self.best_chunk,
                "failedConditions": self.failed_conditions,
            }
        )


def _not_in_generation(
    verdict: _Verdict, items: ItemRepository, source: Source, external_item_id: str, generation_id: str
) -> Explanation:
    staged = items.get(source.id, external_item_id)
    if staged is None:
        return verdict(
            "not_found", f"No item {external_item_id} was ever pushed to source {source.id} (or it was purged)."
        )
    if staged.state == "deleted":
        return verdict("deleted", f"The item was deleted; generation {generation_id} no longer holds it.")
    return verdict(
        "not_published",
        f"The item is staged ({staged.state}) but not in the serving generation {generation_id}: run and apply.",
    )


def _scores(
    index: SearchIndex,
    entry: IndexedItem,
    request: ExplainRequest,
    embedder: EmbeddingProvider | None,
    mode: str,
    source: Source,
    clock: Callable[[Source], datetime],
    opened: list[tuple[Source, SearchIndex]],
) -> ChunkScores | None:
    """The item's best chunk by keyword score (else by similarity), with its rank in each ranking."""
    chunks = np.flatnonzero(index.chunk_item == index.items.index(entry))
    if not len(chunks):
        return None
    keyword = index.keyword_scores(request.query, request.language)
    similarity = None
    if mode != "keyword" and embedder is not None:
        similarity = index.semantic_scores(embedder.embed([request.query])[0])
    order = similarity if similarity is not None and keyword[chunks].max() <= 0 else keyword
    best = int(chunks[int(np.argmax(order[chunks]))])
    keyword_rank = _rank_of(
        opened, request, clock, lambda i: i.keyword_scores(request.query, request.language), index, best
    )
    return ChunkScores.model_validate(
        {
            "chunkId": index.chunk_ids[best],
            "position": int(index.chunk_position[best]),
            "keywordScore": round(float(keyword[best]), 6),
            "keywordRank": keyword_rank if keyword[best] > 0 else None,
            "similarity": None if similarity is None else round(float(similarity[best]), 6),
            "location": chunk_location(index, best),
        }
    )


def _rank_of(
    opened: list[tuple[Source, SearchIndex]],
    request: ExplainRequest,
    clock: Callable[[Source], datetime],
    scores_of: Callable[[SearchIndex], np.ndarray],
    index: SearchIndex,
    chunk: int,
) -> int:
    """1 + the chunks that score higher, across every searched index, after the filters."""
    target = float(scores_of(index)[chunk])
    ahead = 0
    for source, other in opened:
        scores = scores_of(other)
        mask = other.item_mask(item_filter(request.filters, source.grace_days, clock(source), source.id))
        ahead += int(np.count_nonzero((scores > target) & mask))
    return ahead + 1
