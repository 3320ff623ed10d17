"""Rerankers: one interface, two answers (none, Amazon Bedrock's rerank models).

A reranker reads the query and each candidate's text together (a cross-encoder), which a
first-stage ranking cannot afford over a whole source; so it sees only the top candidates of
the ranking the search ran (the fused ranking, in hybrid) and reorders them."""

from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from kb.errors import DomainError, RerankUnavailable
from kb.observability import logger

# Bedrock bills a rerank call per query of up to 100 documents (more counts as several queries).
MAX_CANDIDATES = 100
# A RerankTextDocument holds at most 32,000 characters (the API model's limit).
MAX_TEXT_CHARS = 32000


class RerankFailed(DomainError):
    """The reranker could not score the candidates (the search then keeps its own order)."""

    code = "rerank_failed"


class Reranker(Protocol):
    model_id: str

    def scores(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, in the texts' order (higher is more relevant)."""
        ...


class BedrockReranker:
    """The Bedrock Agent Runtime's Rerank API (amazon.rerank-v1:0, cohere.rerank-v3-5:0): one call
    for every candidate, each an inline text document; the model is named by its ARN in the
    client's region."""

    def __init__(self, client: Any, model_id: str) -> None:
        self._client = client
        self.model_id = model_id

    def _model_arn(self) -> str:
        if self.model_id.startswith("arn:"):
            return self.model_id
        meta = self._client.meta
        return f"arn:{meta.partition}:bedrock:{meta.region_name}::foundation-model/{self.model_id}"

    def scores(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        try:
            reply = self._client.rerank(
                queries=[{"type": "TEXT", "textQuery": {"text": query[:MAX_TEXT_CHARS]}}],
                sources=[
                    {
                        "type": "INLINE",
                        "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": text[:MAX_TEXT_CHARS]}},
                    }
                    for text in texts
                ],
                rerankingConfiguration={
                    "type": "BEDROCK_RERANKING_MODEL",
                    "bedrockRerankingConfiguration": {
                        "numberOfResults": len(texts),
                        "modelConfiguration": {"modelArn": self._model_arn()},
                    },
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise RerankFailed(f"Bedrock rerank failed: {error}") from error
        scores = [float("-inf")] * len(texts)
        for result in reply["results"]:
            scores[int(result["index"])] = float(result["relevanceScore"])
        if float("-inf") in scores:
            raise RerankFailed(f"Bedrock rerank scored {len(reply['results'])} of {len(texts)} documents.")
        return scores


def reranker_provider(name: str, model_id: str, client: Any) -> Reranker | None:
    """`none` (results keep the ranking's order) or `bedrock` (the Rerank API)."""
    if name == "none":
        return None
    if name == "bedrock":
        return BedrockReranker(client, model_id)
    raise ValueError(f"Unknown rerank provider {name!r}: use none or bedrock.")


@dataclass(frozen=True)
class RerankPolicy:
    """What the deployment decided: the reranker (or none), whether a search that does not say
    is reranked, and how many of the ranking's top candidates are reranked."""

    reranker: Reranker | None
    by_default: bool
    candidates: int

    def wanted(self, requested: bool | None) -> bool:
        """Whether this search reranks; asking for it with no reranker configured is an error."""
        if requested is None:
            return self.reranker is not None and self.by_default
        if requested and self.reranker is None:
            raise RerankUnavailable("Reranking needs a reranker, and none is configured (RerankProvider=none).")
        return requested

    def depth(self, limit: int) -> int:
        """How many of the ranking's top candidates are reranked: the configured number, and at
        least the limit, so every result returned has the reranker's score."""
        return min(max(limit, self.candidates), MAX_CANDIDATES)


NO_RERANKING = RerankPolicy(reranker=None, by_default=False, candidates=0)


def rerank_order(reranker: Reranker, query: str, texts: list[str]) -> list[tuple[int, float]] | None:
    """(candidate index, relevance) best first, or None when the reranker failed: the search
    then answers in its own order and says it was not reranked."""
    try:
        scores = reranker.scores(query, texts)
    except RerankFailed as error:
        logger.warning("rerank failed; results keep the ranking's order", extra={"error": str(error)})
        return None
    # Ties keep the ranking's order (sorted is stable).
    return sorted(enumerate(scores), key=lambda pair: -pair[1])
