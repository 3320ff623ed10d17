"""A question answered from the knowledge base, with its sources (also the heart of a chat turn):
retrieve the relevant chunks, then answer whole or as a stream of events."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kb.blobs import BlobStore
from kb.search.answers import NOT_FOUND_ANSWER, AnswerOptions, AnswerProvider, Passage, Turn, Usage
from kb.search.cache import GenerationCache
from kb.search.citations import CitationTracker
from kb.search.embeddings import EmbeddingProvider
from kb.search.models import Answer, AnswerSource, Citation, SearchFilters, TokenUsage
from kb.search.service import MIN_SIMILARITY, Hit, open_indexes, rank, resolve_mode, searchable_sources
from kb.sources.models import Source
from kb.sources.repository import SourceRepository

EXCERPT_CHARS = 300


def is_relevant(hit: Hit) -> bool:
    return hit.keyword > 0 or (hit.similarity is not None and hit.similarity >= MIN_SIMILARITY)


@dataclass(frozen=True)
class Retriever:
    """What a question is searched with: the tenant's published generations and the providers."""

    sources: SourceRepository
    blobs: BlobStore
    cache: GenerationCache
    embedder: EmbeddingProvider | None
    clock: Callable[[Source], datetime]

    def relevant(
        self,
        tenant_id: str,
        query: str,
        source_ids: list[str] | None,
        filters: SearchFilters | None,
        limit: int,
        language: str | None = None,
    ) -> list[Hit]:
        opened = open_indexes(searchable_sources(self.sources, tenant_id, source_ids), self.blobs, self.cache)
        mode = resolve_mode(None, [index for _, index in opened], self.embedder)
        ranked = rank(query, mode, opened, self.embedder, filters, self.clock, limit, language)
        return [hit for hit in ranked if is_relevant(hit)]


@dataclass
class Event:
    name: str  # delta | citation
    data: dict[str, Any]


@dataclass
class AnswerStream:
    """The answer to `question` over `hits`, as delta and citation events; `result` holds the
    whole answer once the events are exhausted. `streaming=False` asks the provider for the whole
    answer at once (one delta)."""

    answers: AnswerProvider
    question: str
    searched_query: str
    hits: list[Hit]
    history: list[Turn]
    options: AnswerOptions
    streaming: bool = True
    prior_usage: Usage = field(default_factory=Usage)  # e.g. the rewrite of a chat's follow-up
    result: Answer | None = None

    def events(self) -> Iterator[Event]:
        sources = [_source(hit, self.hits[0].score) for hit in self.hits]
        citations: list[Citation] = []
        usage = Usage()
        text = ""
        if not self.hits:
            text = NOT_FOUND_ANSWER
            yield Event("delta", {"text": text})
        else:
            passages = [Passage(n, hit.item.title, hit.text) for n, hit in enumerate(self.hits, start=1)]
            tracker = CitationTracker(len(passages))
            for piece in self._generate(passages):
                if isinstance(piece, Usage):
                    usage = piece
                    continue
                text += piece
                yield Event("delta", {"text": piece})
                for span in tracker.feed(text):
                    citation = Citation(
                        number=span.number,
                        start=span.start,
                        end=span.end,
                        text=text[span.start : span.end],
                        source=sources[span.number - 1],
                    )
                    citations.append(citation)
                    yield Event("citation", citation.to_json_dict())
        total = self.prior_usage + usage
        found = bool(self.hits) and text != NOT_FOUND_ANSWER
        self.result = Answer(
            answer=text,
            mode=self.answers.mode,
            found=found,
            sources=sources if found else [],
            searched_query=self.searched_query,
            usage=TokenUsage(input_tokens=total.input_tokens, output_tokens=total.output_tokens),
            citations=citations if found else [],
        )

    def _generate(self, passages: list[Passage]) -> Iterator[str | Usage]:
        if self.streaming:
            yield from self.answers.stream(self.question, passages, self.history, self.options)
            return
        generated = self.answers.answer(self.question, passages, self.history, self.options)
        yield generated.text
        yield generated.usage

    def collect(self) -> Answer:
        for _ in self.events():
            pass
        assert self.result is not None
        return self.result


def answer_question(
    retriever: Retriever,
    answers: AnswerProvider,
    tenant_id: str,
    question: str,
    source_ids: list[str] | None,
    filters: SearchFilters | None,
    max_sources: int,
    options: AnswerOptions,
    streaming: bool = False,
    language: str | None = None,
) -> AnswerStream:
    """`/v1/query`: the question is searched as it is (no history)."""
    hits = retriever.relevant(tenant_id, question, source_ids, filters, max_sources, language)
    return AnswerStream(answers, question, question, hits, [], options, streaming)


def _source(hit: Hit, best: float) -> AnswerSource:
    return AnswerSource(
        external_item_id=hit.item.external_item_id,
        title=hit.item.title,
        url=hit.item.url,
        source_id=hit.index.source_id,
        chunk_id=hit.index.chunk_ids[hit.chunk],
        excerpt=_excerpt(hit.text),
        relevance=round(hit.score / best, 3) if best > 0 else 0.0,
        location=hit.location,
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
