"""Search over the published generations of a tenant's active sources: keyword (BM25), semantic
(cosine over embeddings) or hybrid (reciprocal rank fusion of the two)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from kb.blobs import BlobStore
from kb.errors import SemanticUnavailable
from kb.generations.locations import ChunkLocation
from kb.search.cache import GenerationCache
from kb.search.embeddings import EmbeddingProvider
from kb.search.filters import item_filter
from kb.search.index import SearchIndex, top
from kb.search.loader import load_index
from kb.search.models import ResultItem, SearchFilters, SearchMode, SearchRequest, SearchResponse, SearchResult
from kb.search.rerank import NO_RERANKING, RerankPolicy, rerank_order
from kb.search.segments import SegmentItem
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source

RRF_K = 60  # the constant of Cormack et al.'s reciprocal rank fusion
FUSION_DEPTH = 100  # how deep each ranking goes into the fusion


@dataclass(frozen=True)
class Hit:
    index: SearchIndex
    chunk: int
    score: float
    keyword: float = 0.0  # the BM25 score, when the chunk matched a query term
    similarity: float | None = None  # the cosine, when embeddings were used

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
) -> list[Hit]:
    """The best `depth` chunks across the indexes, best first. Hybrid fuses rankings FUSION_DEPTH
    deep whatever `depth` is, so a small limit gets the head of the same fused ranking."""
    candidates = max(depth, FUSION_DEPTH) if mode == "hybrid" else depth
    query_vector = embedder.embed([query])[0] if mode != "keyword" and embedder is not None else None
    keyword: list[Hit] = []
    semantic: list[Hit] = []
    for source, index in opened:
        mask = None  # the fast path: no filters and no tombstones
        if filters is not None or index.tombstoned:
            mask = index.item_mask(item_filter(filters, source.grace_days, clock(source)))
        if mode != "semantic":
            scores = index.keyword_scores(query, language)
            keyword += [Hit(index, c, s, keyword=s) for c, s in top(scores, candidates, mask)]
        if query_vector is not None:
            similarities = index.semantic_scores(query_vector)
            semantic += [
                Hit(index, c, s, similarity=s) for c, s in top(similarities, candidates, mask, positive_only=False)
            ]
    keyword.sort(key=lambda hit: -hit.score)
    semantic.sort(key=lambda hit: -hit.score)
    if mode == "keyword":
        return keyword[:depth]
    if mode == "semantic":
        return semantic[:depth]
    return _fuse(keyword[:candidates], semantic[:candidates])[:depth]


def _fuse(keyword: list[Hit], semantic: list[Hit]) -> list[Hit]:
    fused: dict[tuple[int, int], Hit] = {}
    for ranking in (keyword, semantic):
        for position, hit in enumerate(ranking):
            key = (id(hit.index), hit.chunk)
            contribution = 1.0 / (RRF_K + position + 1)
            seen = fused.get(key)
            if seen is None:
                fused[key] = Hit(hit.index, hit.chunk, contribution, hit.keyword, hit.similarity)
            else:
                fused[key] = Hit(
                    hit.index,
                    hit.chunk,
                    seen.score + contribution,
                    max(seen.keyword, hit.keyword),
                    hit.similarity if hit.similarity is not None else seen.similarity,
                )
    return sorted(fused.values(), key=lambda hit: -hit.score)


def to_result(hit: Hit) -> SearchResult:
    index, chunk, item = hit.index, hit.chunk, hit.item
    return SearchResult(
        chunk_id=index.chunk_ids[chunk],
        text=hit.text,
        position=int(index.chunk_position[chunk]),
        score=round(float(np.float32(hit.score)), 6),
        item=ResultItem(
            external_item_id=item.external_item_id,
            title=item.title,
            url=item.url,
            source_id=index.source_id,
            tags=item.tags,
            metadata=item.metadata,
        ),
        generation_id=index.generation_id,
        location=hit.location,
    )


def search(
    sources: SourceRepository,
    blobs: BlobStore,
    cache: GenerationCache,
    embedder: EmbeddingProvider | None,
    tenant_id: str,
    request: SearchRequest,
    clock: Callable[[Source], datetime],
    reranking: RerankPolicy = NO_RERANKING,
) -> SearchResponse:
    rerank = reranking.wanted(request.rerank)
    opened = open_indexes(searchable_sources(sources, tenant_id, request.source_ids), blobs, cache)
    mode = resolve_mode(request.mode, [index for _, index in opened], embedder)
    depth = reranking.depth(request.limit) if rerank else request.limit
    hits = rank(request.query, mode, opened, embedder, request.filters, clock, depth, request.language)
    reranked = False
    if rerank and hits and reranking.reranker is not None:
        hits, reranked = reranked_hits(reranking, request.query, hits)
    return SearchResponse(mode=mode, reranked=reranked, results=[to_result(hit) for hit in hits[: request.limit]])


def reranked_hits(reranking: RerankPolicy, query: str, hits: list[Hit]) -> tuple[list[Hit], bool]:
    """The hits in the reranker's order, each scored with its relevance; as they were when the
    reranker failed."""
    assert reranking.reranker is not None
    order = rerank_order(reranking.reranker, query, [hit.text for hit in hits])
    if order is None:
        return hits, False
    return [replace(hits[i], score=relevance) for i, relevance in order], True
