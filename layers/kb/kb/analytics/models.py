"""Analytics on the wire and in the table: a tenant's settings, the usage and performance reports,
the query log and feedback."""

from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from kb.models import ApiModel, IntegralNumber, NoNullsRequest, PatchRequest, RecordModel

QueryLogging = Literal["full", "redacted", "off"]
LoggedKind = Literal["search", "query", "chat"]
Rating = Literal["up", "down"]
DurationKind = Literal["apply", "training"]


class AnalyticsSettings(ApiModel):
    query_logging: QueryLogging = Field(
        default="full",
        description="full: the query log keeps each query's text and filters; redacted: it keeps a hash of "
        "the text instead and no filters; off: no query log (counters are kept either way)",
    )
    retention_days: int = Field(default=30, ge=1, le=365, description="Days a query log entry is kept")


class UpdateAnalyticsSettingsRequest(PatchRequest):
    query_logging: QueryLogging | None = None
    # 174.0 is the integer 174 to JSON Schema; as in every request, it is accepted as one.
    retention_days: Annotated[int, Field(ge=1, le=365), IntegralNumber] | None = None


class AnalyticsSettingsEnvelope(ApiModel):
    settings: AnalyticsSettings


class RequestCounts(ApiModel):
    total: int = 0
    s2xx: int = Field(default=0, alias="2xx")
    s3xx: int = Field(default=0, alias="3xx")
    s4xx: int = Field(default=0, alias="4xx")
    s5xx: int = Field(default=0, alias="5xx")


class UsageCounters(ApiModel):
    requests: RequestCounts = Field(default_factory=RequestCounts)
    by_endpoint: dict[str, RequestCounts] = Field(default_factory=dict, description='"METHOD /path" -> counts')
    items_pushed: int = 0
    runs: int = 0
    applies: int = 0
    searches: int = 0
    queries: int = 0
    chat_messages: int = 0
    answer_tokens: int = Field(default=0, description="Output tokens of the answers given (queries and chats)")
    ratings_up: int = 0
    ratings_down: int = 0


class UsageBucket(UsageCounters):
    start: str = Field(description="The hour or day this bucket counts (UTC)")
    key_id: str | None = Field(default=None, description="groupBy=key: the API key that made the requests")
    source_id: str | None = Field(
        default=None, description="groupBy=source: the path's source; '-' for requests about no single source"
    )


class SourceStorage(ApiModel):
    source_id: str
    items: int = Field(description="Items in the published generation")
    chunks: int = Field(description="Chunks in the published generation")


class StoredUsage(ApiModel):
    items: int = Field(description="Active items of the staging sets")
    bytes: int = Field(description="Content bytes of the active items")
    chunks: int = Field(description="Chunks of every source's published generation")
    sources: list[SourceStorage]


class UsageReport(ApiModel):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    granularity: Literal["hour", "day"]
    group_by: Literal["none", "key", "source"]
    buckets: list[UsageBucket]
    totals: UsageCounters
    stored: StoredUsage = Field(description="What the tenant stores now")


class Percentiles(ApiModel):
    p50: float | None
    p95: float | None
    p99: float | None
    mean: float | None


class EndpointPerformance(ApiModel):
    endpoint: str
    requests: int
    server_errors: int = Field(description="5xx answers")
    client_errors: int = Field(description="4xx answers")
    error_rate: float = Field(description="server errors / requests")
    latency_ms: Percentiles


class DurationPerformance(ApiModel):
    kind: DurationKind
    count: int
    seconds: Percentiles


class PerformanceReport(ApiModel):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    endpoints: list[EndpointPerformance]
    durations: list[DurationPerformance]


class TopItem(ApiModel):
    source_id: str
    external_item_id: str


class QueryLogEntry(RecordModel):
    id: str = Field(
        description="The queryId of an answer (POST /v1/query), the message id of a chat answer, or the id of a search"
    )
    kind: LoggedKind
    created_at: str
    key_id: str
    text: str | None = Field(default=None, description="The query (left out when logging is redacted)")
    text_hash: str | None = Field(
        default=None, description="Redacted logging: a hash of the text, equal for equal texts"
    )
    mode: str | None = Field(
        default=None, description="search: keyword|semantic|hybrid; answers: extractive|generative"
    )
    filters: dict[str, Any] | None = None
    source_ids: list[str] | None = None
    chat_id: str | None = None
    result_count: int
    top_items: list[TopItem] = Field(default_factory=list)
    found: bool
    latency_ms: float
    answer_tokens: int | None = None
    rating: Rating | None = None
    comment: str | None = None


class QueryLogPage(ApiModel):
    queries: list[QueryLogEntry]
    next_cursor: str | None = None


class FeedbackRequest(NoNullsRequest):
    """Exactly one target: a query's answer (queryId), or a chat's answer (chatId and messageId)."""

    query_id: str | None = Field(default=None, max_length=64)
    chat_id: str | None = Field(default=None, max_length=64)
    message_id: str | None = Field(default=None, max_length=64)
    rating: Rating
    comment: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.query_id is None) == (self.chat_id is None and self.message_id is None):
            raise ValueError("give either queryId, or chatId and messageId")
        if (self.chat_id is None) != (self.message_id is None):
            raise ValueError("chatId and messageId go together")
        return self


class Feedback(RecordModel):
    target_id: str = Field(description="The queryId or the messageId rated")
    kind: Literal["query", "chat"]
    chat_id: str | None = None
    rating: Rating
    comment: str | None = None
    created_at: str
    replaced: Rating | None = Field(default=None, description="The rating this one replaced, if any")


class FeedbackEnvelope(ApiModel):
    feedback: Feedback
