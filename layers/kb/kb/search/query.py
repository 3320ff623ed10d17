"""A question answered from the knowledge base, with its sources (also the heart of a chat turn)."""

from collections.abc import Callable
from datetime import datetime

from kb.blobs import BlobStore
from kb.search.answers import NOT_FOUND_ANSWER, AnswerProvider, Passage, Turn
from kb.search.cache import GenerationCache
from kb.search.embeddings import EmbeddingProvider
from kb.search.models import Answer, AnswerSource, SearchFilters
from kb.search.service import MIN_SIMILARITY, Hit, open_indexes, rank, resolve_mode, searchable_sources
from kb.sources.models import Source
from kb.sources.repository import SourceRepository

EXCERPT_CHARS = 300


def is_relevant(hit: Hit) -> bool:
    return hit.keyword > 0 or (hit.similarity is not None and hit.similarity >= MIN_SIMILARITY)


def answer_question(
    sources: SourceRepository,
    blobs: BlobStore,
    cache: GenerationCache,
    embedder: EmbeddingProvider | None,
    answers: AnswerProvider,
    tenant_id: str,
    question: str,
    source_ids: list[str] | None,
    filters: SearchFilters | None,
    max_sources: int,
    clock: Callable[[Source], datetime],
    history: list[Turn] | None = None,
    language: str | None = None,
) -> Answer:
    opened = open_indexes(searchable_sources(sources, tenant_id, source_ids), blobs, cache)
    mode = resolve_mode(None, [index for _, index in opened], embedder)
    hits = [
        hit for hit in rank(question, mode, opened, embedder, filters, clock, max_sources, language) if is_relevant(hit)
    ]
    if not hits:
        return Answer(answer=NOT_FOUND_ANSWER, mode=answers.mode, found=False, sources=[])
    passages = [Passage(number, hit.item.title, hit.text) for number, hit in enumerate(hits, start=1)]
    text = answers.answer(question, passages, history or [])
    best = hits[0].score
    cited = [
        AnswerSource(
            external_item_id=hit.item.external_item_id,
            title=hit.item.title,
            url=hit.item.url,
            source_id=hit.index.source_id,
            chunk_id=hit.index.chunk_ids[hit.chunk],
            excerpt=_excerpt(hit.text),
            relevance=round(hit.score / best, 3) if best > 0 else 0.0,
            location=hit.location,
        )
        for hit in hits
    ]
    found = text != NOT_FOUND_ANSWER
    return Answer(answer=text, mode=answers.mode, found=found, sources=cited if found else [])


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
