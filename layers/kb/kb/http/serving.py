"""FastAPI dependencies of the serving functions (search, query, chats): the process's generation
cache, the configured embedding, answer and rerank providers, and the clock each source is judged by."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends

from kb import snapstart
from kb.chats.repository import ChatRepository
from kb.chats.service import Answering
from kb.composition import adapters
from kb.http.deps import BlobsDep, SettingsDep, SourcesDep, TableDep
from kb.http.webhooks import EventsDep
from kb.search.answers import AnswerProvider, answer_provider
from kb.search.cache import GenerationCache, process_cache
from kb.search.embeddings import EmbeddingProvider, embedding_provider
from kb.search.query import Retriever
from kb.search.rerank import RerankPolicy, reranker_provider
from kb.settings import get_settings
from kb.sources.models import Source

Clock = Callable[[Source], datetime]


def generation_cache(settings: SettingsDep) -> GenerationCache:
    return process_cache(settings.search_cache_mb)


def embedder(settings: SettingsDep) -> EmbeddingProvider | None:
    bedrock = adapters().bedrock() if settings.embedding_provider == "bedrock" else None
    return embedding_provider(settings.embedding_provider, settings.embedding_model_id, bedrock)


def answers(settings: SettingsDep) -> AnswerProvider:
    bedrock = adapters().bedrock() if settings.answer_provider == "bedrock" else None
    return adapters().answers(answer_provider(settings.answer_provider, settings.answer_model_id, bedrock))


def reranking(settings: SettingsDep) -> RerankPolicy:
    client = adapters().bedrock_agent_runtime() if settings.rerank_provider == "bedrock" else None
    return RerankPolicy(
        reranker=reranker_provider(settings.rerank_provider, settings.rerank_model_id, client),
        by_default=settings.rerank_by_default,
        candidates=settings.rerank_candidates,
    )


def source_clock() -> Clock:
    """Now, as each source's grace window is judged (the process's adapters decide)."""
    return lambda source: adapters().clock(source.id)()


def chat_repository(db: TableDep) -> ChatRepository:
    return ChatRepository(db)


CacheDep = Annotated[GenerationCache, Depends(generation_cache)]
EmbedderDep = Annotated[EmbeddingProvider | None, Depends(embedder)]
AnswersDep = Annotated[AnswerProvider, Depends(answers)]
RerankDep = Annotated[RerankPolicy, Depends(reranking)]
ClockDep = Annotated[Clock, Depends(source_clock)]
ChatsDep = Annotated[ChatRepository, Depends(chat_repository)]


def retriever(
    sources: SourcesDep, blobs: BlobsDep, cache: CacheDep, embedder_: EmbedderDep, clock: ClockDep
) -> Retriever:
    return Retriever(sources, blobs, cache, embedder_, clock)


RetrieverDep = Annotated[Retriever, Depends(retriever)]


def answering(retriever_: RetrieverDep, answers_: AnswersDep, events: EventsDep) -> Answering:
    """How a chat turn is answered (and announced to webhook subscribers)."""
    return Answering(retriever_, answers_, events)


AnsweringDep = Annotated[Answering, Depends(answering)]


def _prime_providers() -> None:
    """Before the SnapStart snapshot: the configured providers (and a Bedrock client if used)."""
    settings = get_settings()
    embedder(settings)
    answers(settings)
    reranking(settings)


snapstart.install("serving", _prime_providers)
