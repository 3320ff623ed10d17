"""Search over the published generations of a tenant's active sources: keyword (BM25), semantic
(cosine over embeddings) or hybrid (reciprocal rank fusion of the two)."""

import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from kb.blobs import BlobStore
from kb.cursors import CursorCodec
from kb.errors import SemanticUnavailable
from kb.generations.locations import ChunkLocation
from kb.search.cache import GenerationCache
from kb.search.embeddings import EmbeddingProvider
from kb.search.filters import filter_predicate, tombstone_filter
from kb.search.highlights import highlight_spans
from kb.search.index import Mask, Matches, Scores, SearchIndex, best_per_item, top, top_of
from kb.search.loader import load_index
from kb.search.models import (
    SearchFilters,
    SearchMode,
    SearchRequest,
    SearchResponse,
    SearchResult,
)
from kb.search.paging import MAX_WINDOW, Page, decode_page, encode_page, pinned_sources
from kb.search.rerank import NO_RERANKING, RerankPolicy, rerank_order
from kb.search.segments import SegmentItem
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source

RRF_K = 60  # the constant of Cormack et al.'s reciprocal rank fusion
FUSION_DEPTH = 100  # how deep each ranking goes into the fusion
# A chunk matches a query when it shares a term with it, or (with embeddings) when its cosine
# similarity reaches this; unrelated text scores well below it with MiniLM and Titan.
MIN_SIMILARITY = 0.35
_FLOAT32 = struct.Struct("f")


@dataclass(frozen=True, slots=True)  # slots: a third of the time to make one (ten a search)
class Hit:
    index: SearchIndex
    chunk: int
    score: float
    keyword: float = 0.0  # the BM25 score, when the chunk matched a query term
    similarity: float | None = None  # the cosine, when embeddings were used
    matching_chunks: int | None = None  # grouped by item: the item's chunks that match the query

    @property
    def item(self) -> SegmentItem:
        return self.index.items[int(self.index.chunk_item[self.chunk])].item

    @property
    def text(self) -> str:
        return self.index.chunk_texts[self.chunk]

    @property
    def location(self) -> ChunkLocation | None:
        return chunk_location(self.index, self.chunk)


def chunk_location(index: SearchIndex, chunk: int) -> ChunkLocation | None:
    location = index.location(chunk)
    return None if location is None else ChunkLocation.of(location)


def searchable_sources(sources: SourceRepository, tenant_id: str, source_ids: list[str] | None) -> list[Source]:
    """The named sources (404 for one that is not the caller's) or all of the tenant's, then only
    those that serve: active, with a published generation."""
    if source_ids is not None:
        chosen = [get_source(sources, tenant_id, source_id) for source_id in dict.fromkeys(source_ids)]
    else:
        chosen = sources.all(tenant_id)
    return [s for s in chosen if s.status == "active" and s.current_generation_id]


def open_indexes(sources: list[Source], blobs: BlobStore, cache: GenerationCache) -> list[tuple[Source, SearchIndex]]:
    opened = []
    for source in sources:
        generation_id = source.current_generation_id or ""

        def load(source: Source = source, generation_id: str = generation_id) -> SearchIndex:
            return load_index(blobs, source.tenant_id, source.id, generation_id)

        opened.append((source, cache.get(generation_id, load)))
    return opened


def resolve_mode(
    requested: SearchMode | None, indexes: list[SearchIndex], embedder: EmbeddingProvider | None
) -> SearchMode:
    semantic_ready = embedder is not None and all(
        index.embedding_model == embedder.model_id for index in indexes if index.chunk_count
    )
    if requested is None:
        return "hybrid" if semantic_ready and indexes else "keyword"
    if requested != "keyword" and not semantic_ready:
        if embedder is None:
            raise SemanticUnavailable(f"{requested} search needs embeddings, and no embedding provider is configured.")
        raise SemanticUnavailable(
            f"{requested} search needs every searched generation embedded with {embedder.model_id}; "
            "apply (or train) the sources again after changing the embedding provider."
        )
    return requested


def rank(
    query: str,
    mode: SearchMode,
    opened: list[tuple[Source, SearchIndex]],
    embedder: EmbeddingProvider | None,
    filters: SearchFilters | None,
    clock: Callable[[Source], datetime],
    depth: int,
    language: str | None = None,
    *,
    group: bool = False,
    fusion_depth: int | None = None,
) -> list[Hit]:
    """The best `depth` chunks across the indexes, best first (with `group`, the best `depth`
    items, each by its best chunk). Hybrid fuses rankings `fusion_depth` deep (by default
    FUSION_DEPTH, or `depth` if deeper), so a small limit gets the head of the same fused ranking."""
    fusion = fusion_depth or max(depth, FUSION_DEPTH)
    candidates = fusion if mode == "hybrid" else depth
    query_vector = embedder.embed([query])[0] if mode != "keyword" and embedder is not None else None
    keyword: list[Hit] = []
    semantic: list[Hit] = []
    for source, index in opened:
        mask = None  # the fast path: no filters and no expired tombstones
        if filters is not None:
            key = filters.model_dump_json(by_alias=True)
            mask = index.filter_mask(key, filter_predicate(filters, source.id))
        if index.tombstoned:
            serving = index.serving_mask(tombstone_filter(source.grace_days, clock(source)))
            mask = serving if mask is None else mask if serving is None else mask & serving
        matches = index.keyword_matches(query, language) if mode != "semantic" else None
        similarities = index.semantic_scores(query_vector) if query_vector is not None else None
        counts = _matching_counts(index, matches, similarities, mask) if group else None
        if matches is not None:
            keyword += _keyword_hits(index, matches, candidates, mask, counts, group)
        if similarities is not None:
            semantic += _hits(index, similarities, candidates, mask, counts, group, similarity=True)
    keyword.sort(key=lambda hit: -hit.score)
    semantic.sort(key=lambda hit: -hit.score)
    if mode == "keyword":
        return keyword[:depth]
    if mode == "semantic":
        return semantic[:depth]
    return _fuse(keyword[:candidates], semantic[:candidates], group)[:depth]


def _keyword_hits(
    index: SearchIndex, matches: Matches, candidates: int, mask: Mask | None, counts: Any, group: bool
) -> list[Hit]:
    if group:
        return _hits(index, index.dense(matches), candidates, mask, counts, group, similarity=False)
    # Chosen among the matching chunks alone: no pass over every chunk of the index.
    chunks, values = matches
    if mask is not None:
        keep = mask[chunks]
        chunks, values = chunks[keep], values[keep]
    return [Hit(index, chunk, score, keyword=score) for chunk, score in top_of(chunks, values, candidates)]


def _hits(
    index: SearchIndex,
    values: Scores,
    candidates: int,
    mask: Mask | None,
    counts: Any,
    group: bool,
    similarity: bool,
) -> list[Hit]:
    """The best `candidates` chunks of one ranking (with `group`, only each item's best chunk)."""
    keep = best_per_item(values, index.chunk_item, mask, positive_only=not similarity) if group else mask
    found = []
    for chunk, score in top(values, candidates, keep, positive_only=not similarity):
        matching = None if counts is None else int(counts[index.chunk_item[chunk]])
        if similarity:
            found.append(Hit(index, chunk, score, similarity=score, matching_chunks=matching))
        else:
            found.append(Hit(index, chunk, score, keyword=score, matching_chunks=matching))
    return found


def _matching_counts(
    index: SearchIndex, matches: Matches | None, similarities: Scores | None, mask: Mask | None
) -> Any:
    """Per item of `index`: its chunks that share a term with the query or are close to it."""
    matching = np.zeros(index.chunk_count, dtype=bool)
    if matches is not None:
        matching[matches[0]] = True
    if similarities is not None:
        matching |= similarities >= MIN_SIMILARITY
    if mask is not None:
        matching &= mask
    return np.bincount(index.chunk_item[matching], minlength=len(index.items))


def _fuse(keyword: list[Hit], semantic: list[Hit], group: bool = False) -> list[Hit]:
    """RRF of the two rankings: of chunks, or with `group` of items (each ranking's best chunk of
    an item stands for it; the result shows the better ranked of the two)."""
    fused: dict[tuple[int, int], Hit] = {}
    shown: dict[tuple[int, int], float] = {}  # the contribution of the chunk a grouped result shows
    for ranking in (keyword, semantic):
        for position, hit in enumerate(ranking):
            key = (id(hit.index), int(hit.index.chunk_item[hit.chunk]) if group else hit.chunk)
            contribution = 1.0 / (RRF_K + position + 1)
            seen = fused.get(key)
            if seen is None:
                fused[key] = Hit(hit.index, hit.chunk, contribution, hit.keyword, hit.similarity, hit.matching_chunks)
                shown[key] = contribution
                continue
            chunk = seen.chunk
            if contribution > shown[key]:
                chunk, shown[key] = hit.chunk, contribution
            fused[key] = Hit(
                hit.index,
                chunk,
                seen.score + contribution,
                max(seen.keyword, hit.keyword),
                hit.similarity if hit.similarity is not None else seen.similarity,
                seen.matching_chunks,
            )
    return sorted(fused.values(), key=lambda hit: -hit.score)


def to_result(hit: Hit, query: str | None = None) -> SearchResult:
    """`query`: highlight its terms in the result's text. On the serving path (every result of
    every search): the result, its item and its location are validated from one dict by alias in
    a single pydantic-core call, about 20% less than building the three models one by one."""
    index, chunk, item = hit.index, hit.chunk, hit.item
    text = hit.text
    return SearchResult.model_validate(
        {
            "chunkId": index.chunk_ids[chunk],
            "text": text,
            "position": int(index.chunk_position[chunk]),
            "score": shown_score(hit.score),
            "item": {
                "externalItemId": item.external_item_id,
                "title": item.title,
                "url": item.url,
                "sourceId": index.source_id,
                "tags": item.tags,
                "metadata": item.metadata,
            },
            "generationId": index.generation_id,
            "location": index.location_fields(chunk),
            "matchingChunks": hit.matching_chunks,
            "highlights": None
            if query is None
            else [{"start": start, "end": end} for start, end in highlight_spans(query, text)],
        }
    )


def search(
    sources: SourceRepository,
    blobs: BlobStore,
    cache: GenerationCache,
    embedder: EmbeddingProvider | None,
    tenant_id: str,
    request: SearchRequest,
    clock: Callable[[Source], datetime],
    cursors: CursorCodec,
    reranking: RerankPolicy = NO_RERANKING,
) -> SearchResponse:
    """One page of results: the first, or the one `request.cursor` points at (same generations).
    Reranked, a search pages within the reranked candidates (docs/search.md)."""
    rerank = reranking.wanted(request.rerank)
    if request.cursor is None:
        page = Page(0, [], max(request.limit, FUSION_DEPTH))
        serving = searchable_sources(sources, tenant_id, request.source_ids)
    else:
        page = decode_page(cursors, tenant_id, request)
        serving = pinned_sources(sources, blobs, tenant_id, page)
    opened = open_indexes(serving, blobs, cache)
    mode = resolve_mode(request.mode, [index for _, index in opened], embedder)
    end = min(page.offset + request.limit, MAX_WINDOW)
    group = request.group_by == "item"
    # Not reranked: one more than the page asks for tells whether there is a next page.
    depth = reranking.depth(request.limit) if rerank else end + 1
    hits = rank(
        request.query,
        mode,
        opened,
        embedder,
        request.filters,
        clock,
        depth,
        request.language,
        group=group,
        fusion_depth=page.fusion_depth,
    )
    reranked = False
    if rerank and hits and reranking.reranker is not None:
        hits, reranked = reranked_hits(reranking, request.query, hits)
    if request.min_score is not None:
        # Against the score as results show it: a score copied from a result passes its own bar.
        hits = [hit for hit in hits if shown_score(hit.score) >= request.min_score]
    next_cursor = None
    if len(hits) > end and end < MAX_WINDOW:
        generations = page.generations or [(source.id, index.generation_id) for source, index in opened]
        next_cursor = encode_page(cursors, tenant_id, request, Page(end, generations, page.fusion_depth))
    query = request.query if request.highlight else None
    return SearchResponse(
        mode=mode,
        reranked=reranked,
        group_by=request.group_by,
        results=[to_result(hit, query) for hit in hits[page.offset : end]],
        next_cursor=next_cursor,
    )


def shown_score(score: float) -> float:
    """The score as results show it: as float32 (what scores are computed in), to 6 decimals. The
    round trip through struct's float32 is C's cast, as numpy's, in 60% of the time."""
    return round(_FLOAT32.unpack(_FLOAT32.pack(score))[0], 6)


def reranked_hits(reranking: RerankPolicy, query: str, hits: list[Hit]) -> tuple[list[Hit], bool]:
    """The hits in the reranker's order, each scored with its relevance; as they were when the
    reranker failed."""
    assert reranking.reranker is not None
    order = rerank_order(reranking.reranker, query, [hit.text for hit in hits])
    if order is None:
        return hits, False
    return [replace(hits[i], score=relevance) for i, relevance in order], True
