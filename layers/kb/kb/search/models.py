"""Search, query and their answers: requests and responses."""

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from kb.generations.locations import ChunkLocation
from kb.items.models import MetadataScalar, MetadataValue
from kb.models import ApiModel, JsonInt, NoNullsRequest, RequestModel, without_nulls
from kb.search.expressions import Expression, check_size, storable

SearchMode = Literal["keyword", "semantic", "hybrid"]
QueryLanguage = Annotated[
    str | None,
    Field(
        max_length=35,
        pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
        description="The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. "
        "Default: as every language the searched items are in (docs/search.md)",
    ),
]


class TagFilter(RequestModel):
    any_of: list[str] | None = Field(default=None, alias="any", max_length=100, description="At least one of these")
    all_of: list[str] | None = Field(default=None, alias="all", max_length=100, description="Every one of these")


# Numbers in a condition as metadata holds them (a chat stores its filters in DynamoDB): integers
# of at most 38 digits, other numbers 0 or between 1e-130 and 1e126 in magnitude.
_STORABLE_INTEGER = {"type": "integer", "minimum": -(10**38) + 1, "maximum": 10**38 - 1}
_STORABLE_NUMBER = {
    "type": "number",
    "exclusiveMinimum": -1e126,
    "exclusiveMaximum": 1e126,
    "not": {"allOf": [{"exclusiveMinimum": -1e-130}, {"exclusiveMaximum": 1e-130}, {"not": {"const": 0}}]},
}
_CONDITION_SCALAR = {"anyOf": [{"type": "string"}, _STORABLE_INTEGER, _STORABLE_NUMBER, {"type": "boolean"}]}
_CONDITION_BOUND = {"anyOf": [_STORABLE_NUMBER, {"type": "string"}]}


def _one_kind_schema(schema: dict[str, Any]) -> None:
    without_nulls(schema)
    properties = schema["properties"]
    properties["eq"] = {**_CONDITION_SCALAR, "title": properties["eq"].get("title", "Eq")}
    properties["in"] = {**properties["in"], "items": _CONDITION_SCALAR}
    for bound in ("gt", "gte", "lt", "lte"):
        properties[bound] = {**_CONDITION_BOUND, "title": properties[bound].get("title", bound.title())}
    schema["oneOf"] = [
        {"required": ["eq"]},
        {"required": ["in"]},
        {"anyOf": [{"required": [bound]} for bound in ("gt", "gte", "lt", "lte")]},
    ]


class MetadataCondition(NoNullsRequest):
    """One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings)."""

    model_config = ConfigDict(json_schema_extra=_one_kind_schema)

    eq: MetadataScalar | None = None
    in_: list[MetadataScalar] | None = Field(default=None, alias="in", min_length=1, max_length=100)
    gt: float | str | None = None
    gte: float | str | None = None
    lt: float | str | None = None
    lte: float | str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "MetadataCondition":
        kinds = [
            self.eq is not None,
            self.in_ is not None,
            any(v is not None for v in (self.gt, self.gte, self.lt, self.lte)),
        ]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of eq, in, or a range (gt, gte, lt, lte)")
        values = [self.eq, *(self.in_ or []), self.gt, self.gte, self.lt, self.lte]
        if not all(storable(v) for v in values if v is not None):
            raise ValueError(
                "numbers must be integers of at most 38 digits, or 0 or between 1e-130 and 1e126 in magnitude"
            )
        return self


class SearchFilters(RequestModel):
    """Every part given must hold: `tags`, each `metadata` condition, and the `where` expression."""

    model_config = ConfigDict(json_schema_mode_override="validation")  # one schema, in requests and chats

    tags: TagFilter | None = None
    metadata: dict[str, MetadataCondition] = Field(default_factory=dict, max_length=20)
    where: Expression | None = Field(
        default=None,
        description="Conditions on tags, sourceId, externalItemId, language, updatedAt and metadata.<key>, "
        "combined with and / or / not (docs/search.md)",
    )

    @model_validator(mode="after")
    def _bounded(self) -> "SearchFilters":
        if self.where is not None:
            check_size(self.where)
        return self


class SearchRequest(RequestModel):
    query: str = Field(min_length=1, max_length=2000)
    mode: SearchMode | None = Field(
        default=None, description="Default: hybrid where every searched generation has embeddings, else keyword"
    )
    limit: JsonInt = Field(default=10, ge=1, le=100)
    source_ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    filters: SearchFilters | None = None
    language: QueryLanguage = None
    rerank: bool | None = Field(
        default=None,
        description="Rerank the ranking's top candidates with the deployment's reranker; "
        "default: the deployment's choice (RerankByDefault). true where none is configured is 409 rerank_unavailable",
    )
    group_by: Literal["chunk", "item"] = Field(
        default="chunk", description="item: one result per item (its best chunk), with matchingChunks"
    )
    min_score: float | None = Field(
        default=None, description="Leave out results scoring below this (the score of the mode that ran)"
    )
    highlight: bool = Field(default=False, description="Give each result the offsets of the query's terms in its text")
    cursor: str | None = Field(
        default=None,
        max_length=4096,
        description="The nextCursor of the previous page; the rest of the body must be the same (limit may change)",
    )

    @model_validator(mode="after")
    def _query_has_words(self) -> "SearchRequest":
        if not self.query.strip():
            raise ValueError("query must not be blank")
        return self


class ResultItem(ApiModel):
    external_item_id: str
    title: str
    url: str | None
    source_id: str
    tags: list[str]
    metadata: dict[str, MetadataValue]


class Highlight(ApiModel):
    start: int = Field(description="Offset into the result's text, in Unicode code points")
    end: int = Field(description="text[start:end] is the matching word")


class SearchResult(ApiModel):
    chunk_id: str
    text: str
    position: int
    score: float
    item: ResultItem
    generation_id: str
    location: ChunkLocation | None = Field(
        default=None, description="Where the chunk lies in its item; null for chunks published before locations"
    )
    matching_chunks: int | None = Field(
        default=None, description="groupBy item: how many of the item's chunks match the query (this one included)"
    )
    highlights: list[Highlight] | None = Field(
        default=None, description="highlight: where the query's terms are in `text`"
    )


class SearchResponse(ApiModel):
    mode: SearchMode
    reranked: bool = Field(
        default=False,
        description="Whether the results were reordered by the reranker (their score is then its relevance)",
    )
    group_by: Literal["chunk", "item"] = "chunk"
    results: list[SearchResult]
    next_cursor: str | None = Field(
        default=None, description="Send it back (with the same body) for the next page; null on the last page"
    )


class AnswerShaping(RequestModel):
    """How an answer is produced: honoured by the providers that support them (docs/search.md)."""

    max_tokens: JsonInt | None = Field(
        default=None, ge=1, le=4096, description="At most this many tokens of answer (default 800)"
    )
    temperature: float | None = Field(
        default=None, ge=0, le=1, description="Sampling temperature of a generative model (default 0)"
    )
    stream: bool = Field(
        default=False,
        description="Answer text/event-stream (start, delta, citation, done or error events); see docs/streaming.md",
    )


class QueryRequest(AnswerShaping):
    query: str = Field(min_length=1, max_length=2000)
    source_ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    filters: SearchFilters | None = None
    max_sources: JsonInt = Field(default=5, ge=1, le=20)
    language: QueryLanguage = None


class AnswerSource(ApiModel):
    external_item_id: str
    title: str
    url: str | None
    source_id: str
    chunk_id: str
    excerpt: str
    relevance: float = Field(description="0 to 1: how well this chunk matches, relative to the best match")
    location: ChunkLocation | None = Field(
        default=None, description="Where the chunk lies in its item; null for chunks published before locations"
    )


class TokenUsage(ApiModel):
    input_tokens: int = Field(description="Tokens the model read (extractive: characters / 4, rounded up)")
    output_tokens: int = Field(description="Tokens of answer (extractive: characters / 4, rounded up)")


class Citation(ApiModel):
    """A cited source tied to the stretch of answer text it supports."""

    number: int = Field(description="The [n] marker in the answer, n-th of sources")
    start: int = Field(description="Offset of the supported text in the answer (code points)")
    end: int
    text: str = Field(description="answer[start:end]")
    source: AnswerSource


class Answer(ApiModel):
    answer: str
    mode: Literal["extractive", "generative"]
    found: bool = Field(description="False when nothing relevant was found (the answer then says so)")
    sources: list[AnswerSource]
    searched_query: str | None = Field(default=None, description="The query that was searched")
    usage: TokenUsage | None = None
    citations: list[Citation] = Field(default_factory=list, description="Each [n] of the answer and its text")
    query_id: str | None = Field(
        default=None, description="POST /v1/query: this answer's id, to rate it (POST /v1/feedback)"
    )


ExplainVerdict = Literal[
    "returned",
    "ranked_below_limit",
    "below_min_score",
    "no_match",
    "filtered_out",
    "tombstone_expired",
    "not_published",
    "deleted",
    "not_found",
    "source_archived",
    "source_not_searched",
]


class ExplainRequest(RequestModel):
    """The search to explain (as POST /v1/search takes it) and the item in question."""

    query: str = Field(min_length=1, max_length=2000)
    source_id: str = Field(min_length=1, max_length=64, description="The item's source")
    external_item_id: str = Field(min_length=1, max_length=256)
    mode: SearchMode | None = None
    limit: int = Field(default=10, ge=1, le=100)
    source_ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    filters: SearchFilters | None = None
    language: QueryLanguage = None
    min_score: float | None = Field(default=None, description="As in POST /v1/search")


class ChunkScores(ApiModel):
    chunk_id: str
    position: int
    keyword_score: float = Field(description="BM25; 0 when no query term is in the chunk")
    keyword_rank: int | None = Field(description="Among every searched chunk that passes the filters")
    similarity: float | None = Field(description="Cosine to the query, when the search used embeddings")
    location: ChunkLocation | None = Field(
        default=None, description="Where the chunk lies in its item; null for chunks published before locations"
    )


class Explanation(ApiModel):
    external_item_id: str
    source_id: str
    verdict: ExplainVerdict
    reason: str
    generation_id: str | None = None
    mode: SearchMode | None = None
    rank: int | None = Field(default=None, description="The best chunk's place in the results, when ranked")
    limit: int
    best_chunk: ChunkScores | None = None
    failed_conditions: list[str] = Field(default_factory=list)
