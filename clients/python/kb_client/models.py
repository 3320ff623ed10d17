# Generated from openapi.yaml by scripts/generate_client_models.py (`make openapi`): do not edit.
# ruff: noqa

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AnyUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
)


class AnalyticsSettings(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query_logging: Annotated[
        Literal["full", "redacted", "off"] | None,
        Field(alias="queryLogging", title="Querylogging"),
    ] = "full"
    """
    full: the query log keeps each query's text and filters; redacted: it keeps a hash of the text instead and no filters; off: no query log (counters are kept either way)
    """
    retention_days: Annotated[int | None, Field(alias="retentionDays", ge=1, le=365, title="Retentiondays")] = 30
    """
    Days a query log entry is kept
    """


class AnalyticsSettingsEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    settings: AnalyticsSettings


class ApplyLease(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    owner: Annotated[str, Field(title="Owner")]
    expires_at: Annotated[str, Field(alias="expiresAt", title="Expiresat")]


class Attempt(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    at: Annotated[str, Field(title="At")]
    status_code: Annotated[int | None, Field(alias="statusCode", title="Statuscode")] = None
    latency_ms: Annotated[int, Field(alias="latencyMs", title="Latencyms")]
    error: Annotated[str | None, Field(title="Error")] = None
    response_body: Annotated[str | None, Field(alias="responseBody", title="Responsebody")] = None
    """
    The first 1 KB of the response body.
    """


class BatchItemResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    index: Annotated[int, Field(title="Index")]
    external_item_id: Annotated[str | None, Field(alias="externalItemId", title="Externalitemid")] = None
    operation: Annotated[Literal["upsert", "delete"], Field(title="Operation")]
    outcome: Annotated[
        Literal["created", "updated", "unchanged", "restored", "deleted", "not_found", "invalid", "failed"],
        Field(title="Outcome"),
    ]
    error: Annotated[str | None, Field(title="Error")] = None


class BatchRequest1(BaseModel):
    """
    Items are validated one by one (see the endpoint): one bad item does not sink the batch.
    At least one upsert or delete, and at most 1000 of them together.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[dict[str, Any]], Field(max_length=1000, min_length=1, title="Items")]
    deletes: Annotated[list[str] | None, Field(max_length=1000, title="Deletes")] = None


class BatchRequest2(BaseModel):
    """
    Items are validated one by one (see the endpoint): one bad item does not sink the batch.
    At least one upsert or delete, and at most 1000 of them together.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[dict[str, Any]] | None, Field(max_length=1000, title="Items")] = None
    deletes: Annotated[list[str], Field(max_length=1000, min_length=1, title="Deletes")]


class BatchRequest(RootModel[BatchRequest1 | BatchRequest2]):
    root: Annotated[BatchRequest1 | BatchRequest2, Field(title="BatchRequest")]
    """
    Items are validated one by one (see the endpoint): one bad item does not sink the batch.
    At least one upsert or delete, and at most 1000 of them together.
    """


class BatchResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    results: Annotated[list[BatchItemResult], Field(title="Results")]
    succeeded: Annotated[int, Field(title="Succeeded")]
    failed: Annotated[int, Field(title="Failed")]


class CancelTrainingRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    job_id: Annotated[str | None, Field(alias="jobId", title="Jobid")] = None
    """
    The job to cancel; default: the latest
    """


class Temperature(RootModel[float]):
    root: Annotated[float, Field(ge=0.0, le=1.0, title="Temperature")]
    """
    Sampling temperature of a generative model (default 0)
    """


class ChatMessageRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    max_tokens: Annotated[int | None, Field(alias="maxTokens", title="Maxtokens")] = None
    """
    At most this many tokens of answer (default 800)
    """
    temperature: Annotated[Temperature | None, Field(title="Temperature")] = None
    """
    Sampling temperature of a generative model (default 0)
    """
    stream: Annotated[bool | None, Field(title="Stream")] = False
    """
    Answer text/event-stream (start, delta, citation, done or error events); see docs/streaming.md
    """
    message: Annotated[str, Field(max_length=2000, min_length=1, title="Message")]


class ChunkLocation(BaseModel):
    """
    Where a chunk lies in its item: `content[start:end]` (Unicode characters, from 0) holds the
    chunk's text (the text joins sentences with single spaces, and a first chunk starts with the
    item's title, which is not part of the content). For an item extracted from a file, the
    pages the chunk spans and the heading path where it starts.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    start: Annotated[int, Field(ge=0, title="Start")]
    end: Annotated[int, Field(ge=0, title="End")]
    page: Annotated[int | None, Field(title="Page")] = None
    """
    The page the chunk starts on (documents with pages)
    """
    page_end: Annotated[int | None, Field(alias="pageEnd", title="Pageend")] = None
    """
    The page it ends on (equal to page on one page)
    """
    heading_path: Annotated[list[str] | None, Field(alias="headingPath", title="Headingpath")] = None
    """
    The headings above where it starts
    """


class ChunkScores(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    chunk_id: Annotated[str, Field(alias="chunkId", title="Chunkid")]
    position: Annotated[int, Field(title="Position")]
    keyword_score: Annotated[float, Field(alias="keywordScore", title="Keywordscore")]
    """
    BM25; 0 when no query term is in the chunk
    """
    keyword_rank: Annotated[int | None, Field(alias="keywordRank", title="Keywordrank")]
    """
    Among every searched chunk that passes the filters
    """
    similarity: Annotated[float | None, Field(title="Similarity")]
    """
    Cosine to the query, when the search used embeddings
    """
    location: ChunkLocation | None = None
    """
    Where the chunk lies in its item; null for chunks published before locations
    """


class Chunking(BaseModel):
    """
    How a source's items are cut into chunks. Changing it (PATCH) means re-chunking everything,
    which a rebuild does (POST /v1/train, docs/training.md), never an incremental apply. overlap
    must be at most half of size.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    size: Annotated[int | None, Field(ge=200, le=8000, title="Size")] = 1000
    """
    Most characters in a chunk
    """
    overlap: Annotated[int | None, Field(ge=0, le=1000, title="Overlap")] = 100
    """
    Characters a chunk repeats from the previous one
    """


class CommitSnapshotRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    allow_mass_deletion: Annotated[bool | None, Field(alias="allowMassDeletion", title="Allowmassdeletion")] = False
    """
    Commit even if more than the source's massDeletionThreshold would go missing
    """


class SourceIds(RootModel[list[str]]):
    root: Annotated[list[str], Field(max_length=100, min_length=1, title="Sourceids")]


class CreateImportRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[Literal["upsert", "snapshot"] | None, Field(title="Mode")] = "upsert"
    """
    upsert: each line is staged as POST .../items would; snapshot: the file is the source's full set, and what it lacks goes missing (as a snapshot commit)
    """
    allow_mass_deletion: Annotated[bool | None, Field(alias="allowMassDeletion", title="Allowmassdeletion")] = False
    """
    snapshot mode: commit even past the source's massDeletionThreshold
    """


class RateLimitPerMinute(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=100000, title="Ratelimitperminute")]
    """
    Same as rateLimits.perMinute (kept for older clients). At most the plan's maxRateLimitPerMinute.
    """


class AllowedIp(RootModel[str]):
    root: Annotated[str, Field(max_length=64, min_length=1)]


class AllowedIps(RootModel[list[AllowedIp]]):
    root: Annotated[list[AllowedIp], Field(max_length=50, title="Allowedips")]
    """
    CIDR ranges or addresses (IPv4, IPv6) the key may be used from; elsewhere 403 ip_not_allowed.
    """


class Language(RootModel[str]):
    root: Annotated[
        str,
        Field(
            max_length=35,
            pattern="^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
            title="Language",
        ),
    ]
    """
    The language (BCP 47) of items that do not give one; default: detected per item. Changed by PATCH, like chunking, it takes effect through a rebuild (POST /v1/train)
    """


class ContentType(RootModel[str]):
    root: Annotated[str, Field(max_length=255, title="Contenttype")]


class ExternalItemId(RootModel[str]):
    root: Annotated[
        str,
        Field(
            max_length=250,
            min_length=1,
            pattern="^[^\\x00-\\x1f\\x7f/]+$",
            title="Externalitemid",
        ),
    ]
    """
    Derived from the file name when left out
    """


class Title(RootModel[str]):
    root: Annotated[str, Field(max_length=1000, title="Title")]


class Tag(RootModel[str]):
    root: Annotated[str, Field(max_length=256, min_length=1)]


class Metadata(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata1(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata2(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata31(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata32(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata33(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata3(RootModel[list[Metadata31 | Metadata32 | Metadata33 | bool]]):
    root: Annotated[list[Metadata31 | Metadata32 | Metadata33 | bool], Field(max_length=100)]


class CreateUploadRequest(BaseModel):
    """
    A presigned upload: the file's name and exact size, and the item's fields.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    filename: Annotated[str, Field(max_length=255, min_length=1, title="Filename")]
    size: Annotated[int, Field(ge=1, le=104857600, title="Size")]
    """
    The file's exact size in bytes
    """
    content_type: Annotated[ContentType | None, Field(alias="contentType", title="Contenttype")] = None
    external_item_id: Annotated[ExternalItemId | None, Field(alias="externalItemId", title="Externalitemid")] = None
    """
    Derived from the file name when left out
    """
    title: Annotated[Title | None, Field(title="Title")] = None
    tags: Annotated[list[Tag] | None, Field(max_length=100, title="Tags")] = None
    metadata: Annotated[
        dict[
            Annotated[str, StringConstraints(min_length=1, max_length=128)],
            Metadata | Metadata1 | Metadata2 | bool | Metadata3,
        ]
        | None,
        Field(max_length=100, title="Metadata"),
    ] = None


class RetryScheduleItem(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=86400)]


class SourceId(RootModel[str]):
    root: Annotated[str, Field(pattern="^src_[A-Za-z0-9]{1,64}$")]


class CreateWebhookRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    url: Annotated[AnyUrl, Field(title="Url")]
    events: Annotated[
        list[
            Literal[
                "*",
                "chat.*",
                "chat.completed",
                "chat.message",
                "content.*",
                "content.created",
                "content.deleted",
                "content.updated",
                "file.*",
                "file.failed",
                "file.processed",
                "file.uploaded",
                "generation.*",
                "generation.build_failed",
                "generation.held",
                "generation.published",
                "generation.rolled_back",
                "import.*",
                "import.cancelled",
                "import.completed",
                "import.failed",
                "import.started",
                "run.*",
                "run.completed",
                "source.*",
                "source.publish_failed",
                "training.*",
                "training.cancelled",
                "training.completed",
                "training.failed",
                "training.started",
                "webhook.*",
                "webhook.test",
            ]
        ],
        Field(max_length=33, min_length=1, title="Events"),
    ]
    description: Annotated[str | None, Field(max_length=500, title="Description")] = ""
    retry_schedule: Annotated[
        list[RetryScheduleItem] | None,
        Field(alias="retrySchedule", max_length=10, title="Retryschedule"),
    ] = None
    """
    Seconds before each retry after a failed attempt (at most 10, each 1 to 86400, 3 days in all; [] never retries). Default: the deployment's WebhookRetrySchedule.
    """
    source_ids: Annotated[
        list[SourceId] | None,
        Field(alias="sourceIds", max_length=100, title="Sourceids"),
    ] = None
    """
    Deliver only events about these sources (default: every source).
    """


class Deleted(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    deleted: Annotated[bool, Field(title="Deleted")]


class Page(RootModel[int]):
    root: Annotated[int, Field(ge=1, title="Page")]


class DocumentSection(BaseModel):
    """
    A stretch [start, end) of the item's text (character offsets) and where it lies in the
    original document: its page (PDFs, from 1) and its heading path (Markdown, HTML, DOCX).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    start: Annotated[int, Field(ge=0, title="Start")]
    end: Annotated[int, Field(ge=0, title="End")]
    page: Annotated[Page | None, Field(title="Page")] = None
    heading_path: Annotated[list[str] | None, Field(alias="headingPath", title="Headingpath")] = None


class ErrorBody(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    error: Annotated[str, Field(title="Error")]
    code: Annotated[str, Field(title="Code")]
    request_id: Annotated[str | None, Field(title="Request Id")] = None


class EvaluationGate(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    metric: Annotated[Literal["recall", "ndcg"] | None, Field(title="Metric")] = "ndcg"
    k: Annotated[int | None, Field(ge=1, le=100, title="K")] = 10
    max_drop: Annotated[float | None, Field(alias="maxDrop", ge=0.0, le=1.0, title="Maxdrop")] = 0.0


class EvaluationGateRequest(BaseModel):
    """
    A gate as a request body gives it: JSON types as declared (no "10" or true for k).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    metric: Annotated[Literal["recall", "ndcg"] | None, Field(title="Metric")] = "ndcg"
    k: Annotated[int | None, Field(ge=1, le=100, title="K")] = 10
    max_drop: Annotated[float | None, Field(alias="maxDrop", ge=0.0, le=1.0, title="Maxdrop")] = 0.0


class EvaluationQuery(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    query: Annotated[str, Field(title="Query")]
    relevant_item_ids: Annotated[list[str], Field(alias="relevantItemIds", title="Relevantitemids")]
    language: Annotated[str | None, Field(title="Language")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]


class EvaluationQueryEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query: EvaluationQuery


class EvaluationQueryPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    queries: Annotated[list[EvaluationQuery], Field(title="Queries")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class RelevantItemId(RootModel[str]):
    root: Annotated[str, Field(max_length=250, min_length=1, pattern="^[^\\x00-\\x1f\\x7f/]+$")]


class EvaluationQueryRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query: Annotated[str, Field(max_length=1000, min_length=1, title="Query")]
    """
    The search text
    """
    relevant_item_ids: Annotated[
        list[RelevantItemId],
        Field(
            alias="relevantItemIds",
            max_length=50,
            min_length=1,
            title="Relevantitemids",
        ),
    ]
    """
    externalItemIds that should come back for the query (all equally relevant)
    """
    language: Annotated[
        str | None,
        Field(
            max_length=35,
            pattern="^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
            title="Language",
        ),
    ] = None
    """
    The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. Default: as every language the searched items are in (docs/search.md)
    """


class Event(BaseModel):
    """
    What a receiver gets, as the Standard Webhooks payload.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    type: Annotated[str, Field(title="Type")]
    timestamp: Annotated[str, Field(title="Timestamp")]
    data: Annotated[dict[str, Any], Field(title="Data")]


class Language1(RootModel[str]):
    root: Annotated[
        str,
        Field(
            max_length=35,
            pattern="^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
            title="Language",
        ),
    ]
    """
    The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. Default: as every language the searched items are in (docs/search.md)
    """


class Explanation(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    verdict: Annotated[
        Literal[
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
        ],
        Field(title="Verdict"),
    ]
    reason: Annotated[str, Field(title="Reason")]
    generation_id: Annotated[str | None, Field(alias="generationId", title="Generationid")] = None
    mode: Annotated[Literal["keyword", "semantic", "hybrid"] | None, Field(title="Mode")] = None
    rank: Annotated[int | None, Field(title="Rank")] = None
    """
    The best chunk's place in the results, when ranked
    """
    limit: Annotated[int, Field(title="Limit")]
    best_chunk: Annotated[ChunkScores | None, Field(alias="bestChunk")] = None
    failed_conditions: Annotated[list[str] | None, Field(alias="failedConditions", title="Failedconditions")] = None


class Feedback(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    target_id: Annotated[str, Field(alias="targetId", title="Targetid")]
    """
    The queryId or the messageId rated
    """
    kind: Annotated[Literal["query", "chat"], Field(title="Kind")]
    chat_id: Annotated[str | None, Field(alias="chatId", title="Chatid")] = None
    rating: Annotated[Literal["up", "down"], Field(title="Rating")]
    comment: Annotated[str | None, Field(title="Comment")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    replaced: Annotated[Literal["up", "down"] | None, Field(title="Replaced")] = None
    """
    The rating this one replaced, if any
    """


class FeedbackEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    feedback: Feedback


class FeedbackRequest(BaseModel):
    """
    Exactly one target: a query's answer (queryId), or a chat's answer (chatId and messageId).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query_id: Annotated[str | None, Field(alias="queryId", max_length=64, title="Queryid")] = None
    chat_id: Annotated[str | None, Field(alias="chatId", max_length=64, title="Chatid")] = None
    message_id: Annotated[str | None, Field(alias="messageId", max_length=64, title="Messageid")] = None
    rating: Annotated[Literal["up", "down"], Field(title="Rating")]
    comment: Annotated[str | None, Field(max_length=2000, title="Comment")] = None


class FileError(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[str, Field(title="Code")]
    message: Annotated[str, Field(title="Message")]


class FileResult(BaseModel):
    """
    What processing made of a completed file.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    pages: Annotated[int | None, Field(title="Pages")] = None
    characters: Annotated[int, Field(title="Characters")]
    chunks: Annotated[int, Field(title="Chunks")]
    outcome: Annotated[str, Field(title="Outcome")]


class Health(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[str, Field(title="Status")]


class HeldDecision(BaseModel):
    """
    The answer to publishing or discarding a held generation.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[Literal["published", "discarded"], Field(title="Status")]
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    previous_generation_id: Annotated[str | None, Field(alias="previousGenerationId", title="Previousgenerationid")] = (
        None
    )


class Highlight(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    start: Annotated[int, Field(title="Start")]
    """
    Offset into the result's text, in Unicode code points
    """
    end: Annotated[int, Field(title="End")]
    """
    text[start:end] is the matching word
    """


class ImportCounts(BaseModel):
    """
    What accepted lines did to the staging set (a snapshot's counts include `missing`).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    created: Annotated[int | None, Field(title="Created")] = 0
    updated: Annotated[int | None, Field(title="Updated")] = 0
    unchanged: Annotated[int | None, Field(title="Unchanged")] = 0
    restored: Annotated[int | None, Field(title="Restored")] = 0
    missing: Annotated[int | None, Field(title="Missing")] = 0


class ImportProgress(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    bytes_total: Annotated[int | None, Field(alias="bytesTotal", title="Bytestotal")] = 0
    bytes_read: Annotated[int | None, Field(alias="bytesRead", title="Bytesread")] = 0
    lines_read: Annotated[int | None, Field(alias="linesRead", title="Linesread")] = 0
    accepted: Annotated[int | None, Field(title="Accepted")] = 0
    rejected: Annotated[int | None, Field(title="Rejected")] = 0


class ItemChange(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    change: Annotated[
        Literal["created", "updated", "deleted", "tombstoned", "purged", "restored"],
        Field(title="Change"),
    ]
    content_hash: Annotated[str | None, Field(alias="contentHash", title="Contenthash")] = None
    missing_since: Annotated[str | None, Field(alias="missingSince", title="Missingsince")] = None


class ItemSummary(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str | None, Field(title="Url")] = None
    tags: Annotated[list[str] | None, Field(title="Tags")] = None
    content_hash: Annotated[str, Field(alias="contentHash", title="Contenthash")]
    state: Annotated[Literal["active", "missing", "deleted"], Field(title="State")]
    version: Annotated[int, Field(title="Version")]
    missing_since: Annotated[str | None, Field(alias="missingSince", title="Missingsince")] = None
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]


class ManifestSummary(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    key: Annotated[str, Field(title="Key")]
    item_count: Annotated[int, Field(alias="itemCount", title="Itemcount")]
    chunk_count: Annotated[int, Field(alias="chunkCount", title="Chunkcount")]
    tombstone_count: Annotated[int | None, Field(alias="tombstoneCount", title="Tombstonecount")] = 0
    segment_count: Annotated[int | None, Field(alias="segmentCount", title="Segmentcount")] = 0
    embedding_model: Annotated[str | None, Field(alias="embeddingModel", title="Embeddingmodel")] = None


class Eq(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq1(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In1(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Gt(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Gt")]


class Gte(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Gte")]


class Lt(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Lt")]


class Lte(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Lte")]


class MetadataCondition1(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq | Eq1 | bool, Field(title="Eq")]
    in_: Annotated[
        list[str | In | In1 | bool] | None,
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ] = None
    gt: Annotated[Gt | str | None, Field(title="Gt")] = None
    gte: Annotated[Gte | str | None, Field(title="Gte")] = None
    lt: Annotated[Lt | str | None, Field(title="Lt")] = None
    lte: Annotated[Lte | str | None, Field(title="Lte")] = None


class Eq2(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq3(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In2(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In3(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class MetadataCondition2(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq2 | Eq3 | bool | None, Field(title="Eq")] = None
    in_: Annotated[
        list[str | In2 | In3 | bool],
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ]
    gt: Annotated[Gt | str | None, Field(title="Gt")] = None
    gte: Annotated[Gte | str | None, Field(title="Gte")] = None
    lt: Annotated[Lt | str | None, Field(title="Lt")] = None
    lte: Annotated[Lte | str | None, Field(title="Lte")] = None


class Eq4(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq5(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In4(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In5(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class MetadataCondition3(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq4 | Eq5 | bool | None, Field(title="Eq")] = None
    in_: Annotated[
        list[str | In4 | In5 | bool] | None,
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ] = None
    gt: Annotated[Gt | str, Field(title="Gt")]
    gte: Annotated[Gte | str | None, Field(title="Gte")] = None
    lt: Annotated[Lt | str | None, Field(title="Lt")] = None
    lte: Annotated[Lte | str | None, Field(title="Lte")] = None


class Eq6(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq7(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In6(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In7(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class MetadataCondition4(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq6 | Eq7 | bool | None, Field(title="Eq")] = None
    in_: Annotated[
        list[str | In6 | In7 | bool] | None,
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ] = None
    gt: Annotated[Gt | str | None, Field(title="Gt")] = None
    gte: Annotated[Gte | str, Field(title="Gte")]
    lt: Annotated[Lt | str | None, Field(title="Lt")] = None
    lte: Annotated[Lte | str | None, Field(title="Lte")] = None


class Eq8(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq9(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In8(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In9(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class MetadataCondition5(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq8 | Eq9 | bool | None, Field(title="Eq")] = None
    in_: Annotated[
        list[str | In8 | In9 | bool] | None,
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ] = None
    gt: Annotated[Gt | str | None, Field(title="Gt")] = None
    gte: Annotated[Gte | str | None, Field(title="Gte")] = None
    lt: Annotated[Lt | str, Field(title="Lt")]
    lte: Annotated[Lte | str | None, Field(title="Lte")] = None


class Eq10(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
            title="Eq",
        ),
    ]


class Eq11(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126, title="Eq")]


class In10(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class In11(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class MetadataCondition6(BaseModel):
    """
    One condition on a metadata key: exactly one of eq, in, or a range (any of gt/gte/lt/lte,
    numbers or strings).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    eq: Annotated[str | Eq10 | Eq11 | bool | None, Field(title="Eq")] = None
    in_: Annotated[
        list[str | In10 | In11 | bool] | None,
        Field(alias="in", max_length=100, min_length=1, title="In"),
    ] = None
    gt: Annotated[Gt | str | None, Field(title="Gt")] = None
    gte: Annotated[Gte | str | None, Field(title="Gte")] = None
    lt: Annotated[Lt | str | None, Field(title="Lt")] = None
    lte: Annotated[Lte | str, Field(title="Lte")]


class Percentiles(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    p50: Annotated[float | None, Field(title="P50")]
    p95: Annotated[float | None, Field(title="P95")]
    p99: Annotated[float | None, Field(title="P99")]
    mean: Annotated[float | None, Field(title="Mean")]


class Progress(BaseModel):
    """
    Counted progress of running work: items (and, for a build, chunks) done of the total.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items_done: Annotated[int | None, Field(alias="itemsDone", title="Itemsdone")] = 0
    items_total: Annotated[int | None, Field(alias="itemsTotal", title="Itemstotal")] = 0
    chunks_done: Annotated[int | None, Field(alias="chunksDone", title="Chunksdone")] = 0
    chunks_total: Annotated[int | None, Field(alias="chunksTotal", title="Chunkstotal")] = 0


class PublishError(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[str, Field(title="Code")]
    reason: Annotated[str, Field(title="Reason")]


class PublishFailure(BaseModel):
    """
    The last automatic publish that gave up (cleared by the next one that succeeds).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[str, Field(title="Code")]
    reason: Annotated[str, Field(title="Reason")]
    attempts: Annotated[int, Field(title="Attempts")]
    at: Annotated[str, Field(title="At")]


class PublishedItem(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    """
    The serving generation this version is read from
    """
    content_hash: Annotated[str, Field(alias="contentHash", title="Contenthash")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str | None, Field(title="Url")] = None
    tags: Annotated[list[str] | None, Field(title="Tags")] = None
    metadata: Annotated[
        dict[str, str | int | float | bool | list[str | int | float | bool]] | None,
        Field(title="Metadata"),
    ] = None
    language: Annotated[str | None, Field(title="Language")] = None
    text: Annotated[str, Field(title="Text")]
    """
    The content rebuilt from the indexed chunks: exact for a one-chunk item, else with sentences joined by single spaces
    """
    missing_since: Annotated[str | None, Field(alias="missingSince", title="Missingsince")] = None
    """
    Set: a tombstone still serving its grace days
    """


class PublishedItemEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    published: PublishedItem


class Publishing(BaseModel):
    """
    How a source's staged changes reach search. manual: a client runs and applies (as always).
    auto: `delaySeconds` after the first change of a quiet source, the source runs and applies by
    itself; changes arriving meanwhile are folded into the same build (docs/api.md).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[Literal["manual", "auto"] | None, Field(title="Mode")] = "manual"
    delay_seconds: Annotated[int | None, Field(alias="delaySeconds", ge=0, le=900, title="Delayseconds")] = 60
    """
    Seconds between the first unpublished change and the build (auto only)
    """


class QueryComparison(BaseModel):
    """
    One query that got worse: its metric on the serving generation and on the candidate.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query_id: Annotated[str, Field(alias="queryId", title="Queryid")]
    query: Annotated[str, Field(title="Query")]
    before: Annotated[float, Field(title="Before")]
    after: Annotated[float, Field(title="After")]


class PerMinute(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=10000000, title="Perminute")]


class PerHour(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=10000000, title="Perhour")]


class PerDay(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=10000000, title="Perday")]


class BulkPerMinute(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=10000000, title="Bulkperminute")]


class RateLimits(BaseModel):
    """
    Requests allowed per calendar window; a window left out falls back to the next level (key,
    then the tenant's plan, then the deployment's defaults). Bulk requests count in every window
    and, besides, in their own per-minute window (kb.ratelimit.BULK_ROUTES).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    per_minute: Annotated[PerMinute | None, Field(alias="perMinute", title="Perminute")] = None
    per_hour: Annotated[PerHour | None, Field(alias="perHour", title="Perhour")] = None
    per_day: Annotated[PerDay | None, Field(alias="perDay", title="Perday")] = None
    bulk_per_minute: Annotated[BulkPerMinute | None, Field(alias="bulkPerMinute", title="Bulkperminute")] = None


class Rejection(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    line: Annotated[int, Field(title="Line")]
    code: Annotated[Literal["invalid_json", "invalid_item", "duplicate_id"], Field(title="Code")]
    reason: Annotated[str, Field(title="Reason")]


class RequestCounts(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    total: Annotated[int | None, Field(title="Total")] = 0
    field_2xx: Annotated[int | None, Field(alias="2xx", title="2Xx")] = 0
    field_3xx: Annotated[int | None, Field(alias="3xx", title="3Xx")] = 0
    field_4xx: Annotated[int | None, Field(alias="4xx", title="4Xx")] = 0
    field_5xx: Annotated[int | None, Field(alias="5xx", title="5Xx")] = 0


class ResultItem(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str | None, Field(title="Url")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    tags: Annotated[list[str], Field(title="Tags")]
    metadata: Annotated[
        dict[str, str | int | float | bool | list[str | int | float | bool]],
        Field(title="Metadata"),
    ]


class RollbackResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[Literal["published"], Field(title="Status")]
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    previous_generation_id: Annotated[str | None, Field(alias="previousGenerationId", title="Previousgenerationid")]


class RotateKeyRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    overlap_seconds: Annotated[
        int | None,
        Field(alias="overlapSeconds", ge=0, le=604800, title="Overlapseconds"),
    ] = 86400
    """
    How long the old secret keeps working.
    """


class RunCounts(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    created: Annotated[int | None, Field(title="Created")] = 0
    updated: Annotated[int | None, Field(title="Updated")] = 0
    unchanged: Annotated[int | None, Field(title="Unchanged")] = 0
    deleted: Annotated[int | None, Field(title="Deleted")] = 0
    tombstoned: Annotated[int | None, Field(title="Tombstoned")] = 0
    purged: Annotated[int | None, Field(title="Purged")] = 0
    restored: Annotated[int | None, Field(title="Restored")] = 0


class Cursor(RootModel[str]):
    root: Annotated[str, Field(max_length=4096, title="Cursor")]
    """
    The nextCursor of the previous page; the rest of the body must be the same (limit may change)
    """


class SearchResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    chunk_id: Annotated[str, Field(alias="chunkId", title="Chunkid")]
    text: Annotated[str, Field(title="Text")]
    position: Annotated[int, Field(title="Position")]
    score: Annotated[float, Field(title="Score")]
    item: ResultItem
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    location: ChunkLocation | None = None
    """
    Where the chunk lies in its item; null for chunks published before locations
    """
    matching_chunks: Annotated[int | None, Field(alias="matchingChunks", title="Matchingchunks")] = None
    """
    groupBy item: how many of the item's chunks match the query (this one included)
    """
    highlights: Annotated[list[Highlight] | None, Field(title="Highlights")] = None
    """
    highlight: where the query's terms are in `text`
    """


class SnapshotCounts(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    created: Annotated[int | None, Field(title="Created")] = 0
    updated: Annotated[int | None, Field(title="Updated")] = 0
    unchanged: Annotated[int | None, Field(title="Unchanged")] = 0
    restored: Annotated[int | None, Field(title="Restored")] = 0
    missing: Annotated[int | None, Field(title="Missing")] = 0


class SnapshotPageRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[dict[str, Any]], Field(max_length=1000, min_length=1, title="Items")]


class SnapshotPageResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    results: Annotated[list[BatchItemResult], Field(title="Results")]
    accepted: Annotated[int, Field(title="Accepted")]
    failed: Annotated[int, Field(title="Failed")]


class Source(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    name: Annotated[str, Field(title="Name")]
    type: Annotated[Literal["developer_api"], Field(title="Type")] = "developer_api"
    grace_days: Annotated[int, Field(alias="graceDays", title="Gracedays")]
    chunking: Chunking | None = None
    language: Annotated[str | None, Field(title="Language")] = None
    settings_version: Annotated[int | None, Field(alias="settingsVersion", title="Settingsversion")] = 1
    mass_deletion_threshold: Annotated[
        int | None, Field(alias="massDeletionThreshold", title="Massdeletionthreshold")
    ] = 50
    status: Annotated[Literal["active", "archived"] | None, Field(title="Status")] = "active"
    current_generation_id: Annotated[str | None, Field(alias="currentGenerationId", title="Currentgenerationid")] = None
    open_snapshot_id: Annotated[str | None, Field(alias="openSnapshotId", title="Opensnapshotid")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str | None, Field(alias="updatedAt", title="Updatedat")] = None
    archived_at: Annotated[str | None, Field(alias="archivedAt", title="Archivedat")] = None
    publishing: Publishing | None = None
    publish_failure: Annotated[PublishFailure | None, Field(alias="publishFailure")] = None
    publish_pending: Annotated[bool, Field(alias="publishPending", title="Publishpending")]
    """
    Staged changes wait for an automatic publish that has not started yet.
    """


class SourceEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    source: Source


class SourcePage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    sources: Annotated[list[Source], Field(title="Sources")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class SourceStorage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    items: Annotated[int, Field(title="Items")]
    """
    Items in the published generation
    """
    chunks: Annotated[int, Field(title="Chunks")]
    """
    Chunks in the published generation
    """


class Url(RootModel[str]):
    root: Annotated[str, Field(max_length=2048, title="Url")]


class Metadata4(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata5(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata6(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata71(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata72(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata73(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata7(RootModel[list[Metadata71 | Metadata72 | Metadata73 | bool]]):
    root: Annotated[list[Metadata71 | Metadata72 | Metadata73 | bool], Field(max_length=100)]


class Language4(RootModel[str]):
    root: Annotated[str, Field(max_length=35, title="Language")]


class StagedItem(BaseModel):
    """
    An item of the staging set. `missing` = absent from the last committed snapshot (a
    tombstone once applied); `deleted` = deleted explicitly (kept so the next run sees it).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    title: Annotated[str | None, Field(max_length=1000, title="Title")] = ""
    content: Annotated[str, Field(min_length=1, title="Content")]
    url: Annotated[Url | None, Field(title="Url")] = None
    tags: Annotated[list[str] | None, Field(title="Tags")] = None
    metadata: Annotated[
        dict[
            Annotated[str, StringConstraints(min_length=1, max_length=128)],
            Metadata4 | Metadata5 | Metadata6 | bool | Metadata7,
        ]
        | None,
        Field(max_length=100, title="Metadata"),
    ] = None
    language: Annotated[Language4 | None, Field(title="Language")] = None
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    content_hash: Annotated[str, Field(alias="contentHash", title="Contenthash")]
    state: Annotated[Literal["active", "missing", "deleted"] | None, Field(title="State")] = "active"
    missing_since: Annotated[str | None, Field(alias="missingSince", title="Missingsince")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]
    version: Annotated[int | None, Field(title="Version")] = 0
    sections: Annotated[list[DocumentSection] | None, Field(title="Sections")] = None


class StoredUsage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[int, Field(title="Items")]
    """
    Active items of the staging sets
    """
    bytes: Annotated[int, Field(title="Bytes")]
    """
    Content bytes of the active items
    """
    chunks: Annotated[int, Field(title="Chunks")]
    """
    Chunks of every source's published generation
    """
    sources: Annotated[list[SourceStorage], Field(title="Sources")]


class AnyModel(RootModel[list[str]]):
    root: Annotated[list[str], Field(max_length=100, title="Any")]
    """
    At least one of these
    """


class All(RootModel[list[str]]):
    root: Annotated[list[str], Field(max_length=100, title="All")]
    """
    Every one of these
    """


class TagFilter(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    any: Annotated[AnyModel | None, Field(title="Any")] = None
    """
    At least one of these
    """
    all: Annotated[All | None, Field(title="All")] = None
    """
    Every one of these
    """


class TokenUsage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    input_tokens: Annotated[int, Field(alias="inputTokens", title="Inputtokens")]
    """
    Tokens the model read (extractive: characters / 4, rounded up)
    """
    output_tokens: Annotated[int, Field(alias="outputTokens", title="Outputtokens")]
    """
    Tokens of answer (extractive: characters / 4, rounded up)
    """


class TopItem(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]


class TrainProgress(BaseModel):
    """
    Done of total. Items and chunks count what the job builds: a source's items join the total
    when its run has planned them, its chunks as its items are cut (chunks are known only then).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    sources_done: Annotated[int | None, Field(alias="sourcesDone", title="Sourcesdone")] = 0
    sources_total: Annotated[int | None, Field(alias="sourcesTotal", title="Sourcestotal")] = 0
    items_done: Annotated[int | None, Field(alias="itemsDone", title="Itemsdone")] = 0
    items_total: Annotated[int | None, Field(alias="itemsTotal", title="Itemstotal")] = 0
    chunks_done: Annotated[int | None, Field(alias="chunksDone", title="Chunksdone")] = 0
    chunks_total: Annotated[int | None, Field(alias="chunksTotal", title="Chunkstotal")] = 0


class TrainRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    source_ids: Annotated[
        list[str] | None,
        Field(alias="sourceIds", max_length=100, min_length=1, title="Sourceids"),
    ] = None
    """
    The sources to train; default: every active one
    """
    mode: Annotated[Literal["apply", "rebuild"] | None, Field(title="Mode")] = "apply"
    """
    apply: each source's pending changes (run + apply); rebuild: re-chunk, re-embed and re-index every item with the source's current settings
    """
    gate: EvaluationGate | None = None
    """
    Passed to every source's apply
    """


class TrainSource(BaseModel):
    """
    One source of a job: its run and generation once started, counted progress, the outcome.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    status: Annotated[
        Literal["pending", "running", "published", "unchanged", "held", "failed", "cancelled"] | None,
        Field(title="Status"),
    ] = "pending"
    run_id: Annotated[str | None, Field(alias="runId", title="Runid")] = None
    generation_id: Annotated[str | None, Field(alias="generationId", title="Generationid")] = None
    items_done: Annotated[int | None, Field(alias="itemsDone", title="Itemsdone")] = 0
    items_total: Annotated[int | None, Field(alias="itemsTotal", title="Itemstotal")] = 0
    chunks_done: Annotated[int | None, Field(alias="chunksDone", title="Chunksdone")] = 0
    chunks_total: Annotated[int | None, Field(alias="chunksTotal", title="Chunkstotal")] = 0
    error_code: Annotated[str | None, Field(alias="errorCode", title="Errorcode")] = None
    error: Annotated[str | None, Field(title="Error")] = None


class TrainingJob(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    mode: Annotated[Literal["apply", "rebuild"], Field(title="Mode")]
    status: Annotated[
        Literal["queued", "running", "cancelling", "completed", "failed", "cancelled"],
        Field(title="Status"),
    ]
    gate: EvaluationGate | None = None
    sources: Annotated[list[TrainSource], Field(title="Sources")]
    progress: TrainProgress
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    started_at: Annotated[str | None, Field(alias="startedAt", title="Startedat")] = None
    completed_at: Annotated[str | None, Field(alias="completedAt", title="Completedat")] = None
    cancel_requested_at: Annotated[str | None, Field(alias="cancelRequestedAt", title="Cancelrequestedat")] = None


class TrainingJobEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    job: TrainingJob


class TrainingJobPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    jobs: Annotated[list[TrainingJob], Field(title="Jobs")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class UpdateAnalyticsSettingsRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query_logging: Annotated[
        Literal["full", "redacted", "off"] | None,
        Field(alias="queryLogging", title="Querylogging"),
    ] = None
    retention_days: Annotated[int | None, Field(alias="retentionDays", ge=1, le=365, title="Retentiondays")] = None


class UpdateKeyRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str | None, Field(max_length=100, min_length=1, title="Name")] = None
    rate_limits: Annotated[RateLimits | None, Field(alias="rateLimits")] = None
    """
    Replaces the key's windows ({}: the plan's).
    """
    allowed_ips: Annotated[
        list[AllowedIp] | None,
        Field(alias="allowedIps", max_length=50, title="Allowedips"),
    ] = None
    """
    Replaces the key's ranges; [] lifts the restriction.
    """


class UpdateSourceRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str | None, Field(max_length=200, min_length=1, title="Name")] = None
    grace_days: Annotated[int | None, Field(alias="graceDays", ge=0, le=365, title="Gracedays")] = None
    mass_deletion_threshold: Annotated[
        int | None,
        Field(alias="massDeletionThreshold", ge=0, le=100, title="Massdeletionthreshold"),
    ] = None
    """
    Percent of active items a snapshot commit may tombstone without opting in (100: no guard)
    """
    publishing: Publishing | None = None
    chunking: Chunking | None = None
    """
    New chunking; takes effect through a rebuild (POST /v1/train, mode rebuild)
    """
    language: Annotated[
        str | None,
        Field(
            max_length=35,
            pattern="^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
            title="Language",
        ),
    ] = None
    """
    New default language (BCP 47); takes effect through a rebuild (POST /v1/train, mode rebuild)
    """


class UpdateWebhookRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    url: Annotated[AnyUrl | None, Field(title="Url")] = None
    events: Annotated[
        list[
            Literal[
                "*",
                "chat.*",
                "chat.completed",
                "chat.message",
                "content.*",
                "content.created",
                "content.deleted",
                "content.updated",
                "file.*",
                "file.failed",
                "file.processed",
                "file.uploaded",
                "generation.*",
                "generation.build_failed",
                "generation.held",
                "generation.published",
                "generation.rolled_back",
                "import.*",
                "import.cancelled",
                "import.completed",
                "import.failed",
                "import.started",
                "run.*",
                "run.completed",
                "source.*",
                "source.publish_failed",
                "training.*",
                "training.cancelled",
                "training.completed",
                "training.failed",
                "training.started",
                "webhook.*",
                "webhook.test",
            ]
        ]
        | None,
        Field(max_length=33, min_length=1, title="Events"),
    ] = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    description: Annotated[str | None, Field(max_length=500, title="Description")] = None
    retry_schedule: Annotated[
        list[RetryScheduleItem] | None,
        Field(alias="retrySchedule", max_length=10, title="Retryschedule"),
    ] = None
    """
    Replaces the subscription's schedule.
    """
    source_ids: Annotated[
        list[SourceId] | None,
        Field(alias="sourceIds", max_length=100, title="Sourceids"),
    ] = None
    """
    Replaces the scope; [] lifts it.
    """


class Upload(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    url: Annotated[str, Field(title="Url")]
    method: Annotated[Literal["PUT"], Field(title="Method")] = "PUT"
    expires_at: Annotated[str, Field(alias="expiresAt", title="Expiresat")]
    max_bytes: Annotated[int | None, Field(alias="maxBytes", title="Maxbytes")] = 5368709120


class UploadTarget(BaseModel):
    """
    Where and how to send the file: a form POST of `fields`, then the file as the `file` field
    (last). S3 refuses a body of another size than the one declared.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    url: Annotated[str, Field(title="Url")]
    method: Annotated[Literal["POST"], Field(title="Method")] = "POST"
    fields: Annotated[dict[str, str], Field(title="Fields")]
    expires_at: Annotated[str, Field(alias="expiresAt", title="Expiresat")]


class Metadata8(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata9(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata10(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata111(RootModel[str]):
    root: Annotated[str, Field(max_length=4096)]


class Metadata112(RootModel[int]):
    root: Annotated[
        int,
        Field(
            ge=-100000000000000000000000000000000000000,
            le=100000000000000000000000000000000000000,
        ),
    ]


class Metadata113(RootModel[float]):
    root: Annotated[float, Field(gt=-1e126, lt=1e126)]


class Metadata11(RootModel[list[Metadata111 | Metadata112 | Metadata113 | bool]]):
    root: Annotated[list[Metadata111 | Metadata112 | Metadata113 | bool], Field(max_length=100)]


class UpsertItemRequest(BaseModel):
    """
    An item as written: every limit is checked before anything is stored. Besides each field's own
    limit, title, url, tags, metadata and language together are at most 64 KiB as UTF-8 JSON.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[
        str,
        Field(
            alias="externalItemId",
            max_length=250,
            min_length=1,
            pattern="^[^\\x00-\\x1f\\x7f/]+$",
            title="Externalitemid",
        ),
    ]
    title: Annotated[str | None, Field(max_length=1000, title="Title")] = ""
    content: Annotated[str, Field(min_length=1, title="Content")]
    url: Annotated[Url | None, Field(title="Url")] = None
    tags: Annotated[list[Tag] | None, Field(max_length=100, title="Tags")] = None
    metadata: Annotated[
        dict[
            Annotated[str, StringConstraints(min_length=1, max_length=128)],
            Metadata8 | Metadata9 | Metadata10 | bool | Metadata11,
        ]
        | None,
        Field(max_length=100, title="Metadata"),
    ] = None
    language: Annotated[Language4 | None, Field(title="Language")] = None


class UsageBucket(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    requests: RequestCounts | None = None
    by_endpoint: Annotated[dict[str, RequestCounts] | None, Field(alias="byEndpoint", title="Byendpoint")] = None
    """
    "METHOD /path" -> counts
    """
    items_pushed: Annotated[int | None, Field(alias="itemsPushed", title="Itemspushed")] = 0
    runs: Annotated[int | None, Field(title="Runs")] = 0
    applies: Annotated[int | None, Field(title="Applies")] = 0
    searches: Annotated[int | None, Field(title="Searches")] = 0
    queries: Annotated[int | None, Field(title="Queries")] = 0
    chat_messages: Annotated[int | None, Field(alias="chatMessages", title="Chatmessages")] = 0
    answer_tokens: Annotated[int | None, Field(alias="answerTokens", title="Answertokens")] = 0
    """
    Output tokens of the answers given (queries and chats)
    """
    ratings_up: Annotated[int | None, Field(alias="ratingsUp", title="Ratingsup")] = 0
    ratings_down: Annotated[int | None, Field(alias="ratingsDown", title="Ratingsdown")] = 0
    start: Annotated[str, Field(title="Start")]
    """
    The hour or day this bucket counts (UTC)
    """
    key_id: Annotated[str | None, Field(alias="keyId", title="Keyid")] = None
    """
    groupBy=key: the API key that made the requests
    """
    source_id: Annotated[str | None, Field(alias="sourceId", title="Sourceid")] = None
    """
    groupBy=source: the path's source; '-' for requests about no single source
    """


class UsageCounters(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    requests: RequestCounts | None = None
    by_endpoint: Annotated[dict[str, RequestCounts] | None, Field(alias="byEndpoint", title="Byendpoint")] = None
    """
    "METHOD /path" -> counts
    """
    items_pushed: Annotated[int | None, Field(alias="itemsPushed", title="Itemspushed")] = 0
    runs: Annotated[int | None, Field(title="Runs")] = 0
    applies: Annotated[int | None, Field(title="Applies")] = 0
    searches: Annotated[int | None, Field(title="Searches")] = 0
    queries: Annotated[int | None, Field(title="Queries")] = 0
    chat_messages: Annotated[int | None, Field(alias="chatMessages", title="Chatmessages")] = 0
    answer_tokens: Annotated[int | None, Field(alias="answerTokens", title="Answertokens")] = 0
    """
    Output tokens of the answers given (queries and chats)
    """
    ratings_up: Annotated[int | None, Field(alias="ratingsUp", title="Ratingsup")] = 0
    ratings_down: Annotated[int | None, Field(alias="ratingsDown", title="Ratingsdown")] = 0


class UsageReport(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    from_: Annotated[str, Field(alias="from", title="From")]
    to: Annotated[str, Field(title="To")]
    granularity: Annotated[Literal["hour", "day"], Field(title="Granularity")]
    group_by: Annotated[Literal["none", "key", "source"], Field(alias="groupBy", title="Groupby")]
    buckets: Annotated[list[UsageBucket], Field(title="Buckets")]
    totals: UsageCounters
    stored: StoredUsage
    """
    What the tenant stores now
    """


class ValidationError(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    loc: Annotated[list[str | int], Field(title="Location")]
    msg: Annotated[str, Field(title="Message")]
    type: Annotated[str, Field(title="Error Type")]
    input: Annotated[Any | None, Field(title="Input")] = None
    ctx: Annotated[dict[str, Any] | None, Field(title="Context")] = None


class Webhook(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    url: Annotated[str, Field(title="Url")]
    events: Annotated[list[str], Field(title="Events")]
    description: Annotated[str | None, Field(title="Description")] = ""
    enabled: Annotated[bool | None, Field(title="Enabled")] = True
    disabled_reason: Annotated[str | None, Field(alias="disabledReason", title="Disabledreason")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]
    secret_rotated_at: Annotated[str | None, Field(alias="secretRotatedAt", title="Secretrotatedat")] = None
    previous_secret_expires_at: Annotated[
        str | None,
        Field(alias="previousSecretExpiresAt", title="Previoussecretexpiresat"),
    ] = None
    retry_schedule: Annotated[list[int] | None, Field(alias="retrySchedule", title="Retryschedule")] = None
    """
    Seconds before each retry; null: the deployment's WebhookRetrySchedule.
    """
    source_ids: Annotated[list[str] | None, Field(alias="sourceIds", title="Sourceids")] = None
    """
    Only events about these sources are delivered; null: every source.
    """


class WebhookEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    webhook: Webhook


class WebhookPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    webhooks: Annotated[list[Webhook], Field(title="Webhooks")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class WhereCondition(BaseModel):
    """
    One condition on one field of an item.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    field: Annotated[
        str,
        Field(
            max_length=140,
            min_length=1,
            pattern="^(tags|sourceId|externalItemId|language|updatedAt|metadata\\..{1,128})$",
            title="Field",
        ),
    ]
    """
    tags, sourceId, externalItemId, language, updatedAt, or metadata.<key>. Which operators a field takes and each operator's value: docs/search.md
    """
    op: Annotated[
        Literal[
            "eq",
            "ne",
            "in",
            "nin",
            "gt",
            "gte",
            "lt",
            "lte",
            "exists",
            "startsWith",
            "contains",
            "containsAny",
            "containsAll",
        ],
        Field(title="Op"),
    ]
    value: Annotated[str | int | float | bool | list[str | int | float | bool], Field(title="Value")]


class AnswerSource(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str | None, Field(title="Url")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    chunk_id: Annotated[str, Field(alias="chunkId", title="Chunkid")]
    excerpt: Annotated[str, Field(title="Excerpt")]
    relevance: Annotated[float, Field(title="Relevance")]
    """
    0 to 1: how well this chunk matches, relative to the best match
    """
    location: ChunkLocation | None = None
    """
    Where the chunk lies in its item; null for chunks published before locations
    """


class ApiKey(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    name: Annotated[str, Field(title="Name")]
    scope: Annotated[Literal["read", "write", "admin"], Field(title="Scope")]
    status: Annotated[Literal["active", "revoked"] | None, Field(title="Status")] = "active"
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    expires_at: Annotated[str | None, Field(alias="expiresAt", title="Expiresat")] = None
    rate_limit_per_minute: Annotated[int | None, Field(alias="rateLimitPerMinute", title="Ratelimitperminute")] = None
    rate_limits: Annotated[RateLimits | None, Field(alias="rateLimits")] = None
    allowed_ips: Annotated[list[str] | None, Field(alias="allowedIps", title="Allowedips")] = None
    """
    Source ranges (CIDR, IPv4 or IPv6) the key works from; null: anywhere.
    """
    rotated_at: Annotated[str | None, Field(alias="rotatedAt", title="Rotatedat")] = None
    previous_secret_expires_at: Annotated[
        str | None,
        Field(alias="previousSecretExpiresAt", title="Previoussecretexpiresat"),
    ] = None
    revoked_at: Annotated[str | None, Field(alias="revokedAt", title="Revokedat")] = None


class ApplyRequest(BaseModel):
    """
    The optional body of an apply: a gate evaluates the candidate before it may publish.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    gate: EvaluationGateRequest | None = None


class ApplyResult(BaseModel):
    """
    published: this apply's generation serves; applying: still building, poll the generation;
    unchanged: the run changed nothing, so no generation was built and the current one answers;
    held: built, but its evaluation gate kept it from publishing (see its evaluation).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[Literal["published", "applying", "unchanged", "held"], Field(title="Status")]
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    counts: RunCounts


class ChangePage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    changes: Annotated[list[ItemChange], Field(title="Changes")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    role: Annotated[Literal["user", "assistant"], Field(title="Role")]
    content: Annotated[str, Field(title="Content")]
    mode: Annotated[Literal["extractive", "generative"] | None, Field(title="Mode")] = None
    found: Annotated[bool | None, Field(title="Found")] = None
    sources: Annotated[list[AnswerSource] | None, Field(title="Sources")] = None
    searched_query: Annotated[str | None, Field(alias="searchedQuery", title="Searchedquery")] = None
    """
    Assistant turns: the query that was searched
    """
    usage: TokenUsage | None = None
    """
    Assistant turns: tokens in and out
    """
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]


class Citation(BaseModel):
    """
    A cited source tied to the stretch of answer text it supports.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    number: Annotated[int, Field(title="Number")]
    """
    The [n] marker in the answer, n-th of sources
    """
    start: Annotated[int, Field(title="Start")]
    """
    Offset of the supported text in the answer (code points)
    """
    end: Annotated[int, Field(title="End")]
    text: Annotated[str, Field(title="Text")]
    """
    answer[start:end]
    """
    source: AnswerSource


class CreateKeyRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(max_length=100, min_length=1, title="Name")]
    scope: Annotated[Literal["read", "write", "admin"] | None, Field(title="Scope")] = "write"
    expires_at: Annotated[AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")] = None
    """
    After this instant the key answers key_expired. Must be in the future.
    """
    rate_limit_per_minute: Annotated[
        RateLimitPerMinute | None,
        Field(alias="rateLimitPerMinute", title="Ratelimitperminute"),
    ] = None
    """
    Same as rateLimits.perMinute (kept for older clients). At most the plan's maxRateLimitPerMinute.
    """
    rate_limits: Annotated[RateLimits | None, Field(alias="rateLimits")] = None
    """
    Per window; a window left out is the tenant plan's (docs/limits.md).
    """
    allowed_ips: Annotated[AllowedIps | None, Field(alias="allowedIps", title="Allowedips")] = None
    """
    CIDR ranges or addresses (IPv4, IPv6) the key may be used from; elsewhere 403 ip_not_allowed.
    """


class CreateSourceRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(max_length=200, min_length=1, title="Name")]
    grace_days: Annotated[int | None, Field(alias="graceDays", ge=0, le=365, title="Gracedays")] = 7
    chunking: Chunking | None = None
    language: Annotated[Language | None, Field(title="Language")] = None
    """
    The language (BCP 47) of items that do not give one; default: detected per item. Changed by PATCH, like chunking, it takes effect through a rebuild (POST /v1/train)
    """
    mass_deletion_threshold: Annotated[
        int | None,
        Field(alias="massDeletionThreshold", ge=0, le=100, title="Massdeletionthreshold"),
    ] = 50
    """
    Percent of active items a snapshot commit may tombstone without opting in (100: no guard)
    """
    publishing: Publishing | None = None


class CreatedKey(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    key: ApiKey
    secret: Annotated[str | None, Field(title="Secret")]
    """
    The full API key. Shown once; only a hash is stored. null on an idempotent replay.
    """


class CreatedWebhook(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    webhook: Webhook
    secret: Annotated[str | None, Field(title="Secret")]
    """
    whsec_<base64>: shown once. null on an idempotent replay.
    """


class Delivery(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    webhook_id: Annotated[str, Field(alias="webhookId", title="Webhookid")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    event: Event
    status: Annotated[Literal["pending", "succeeded", "failed"] | None, Field(title="Status")] = "pending"
    attempts: Annotated[list[Attempt] | None, Field(title="Attempts")] = None
    next_attempt_at: Annotated[str | None, Field(alias="nextAttemptAt", title="Nextattemptat")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]


class DeliveryEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    delivery: Delivery


class DeliveryPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    deliveries: Annotated[list[Delivery], Field(title="Deliveries")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class DurationPerformance(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    kind: Annotated[Literal["apply", "training"], Field(title="Kind")]
    count: Annotated[int, Field(title="Count")]
    seconds: Percentiles


class EndpointPerformance(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    endpoint: Annotated[str, Field(title="Endpoint")]
    requests: Annotated[int, Field(title="Requests")]
    server_errors: Annotated[int, Field(alias="serverErrors", title="Servererrors")]
    """
    5xx answers
    """
    client_errors: Annotated[int, Field(alias="clientErrors", title="Clienterrors")]
    """
    4xx answers
    """
    error_rate: Annotated[float, Field(alias="errorRate", title="Errorrate")]
    """
    server errors / requests
    """
    latency_ms: Annotated[Percentiles, Field(alias="latencyMs")]


class EvaluationReport(BaseModel):
    """
    held: the candidate regressed by more than the gate allows and waits for publish or
    discard; passed: it was published; skipped: nothing to compare (no evaluation set, or no
    generation serving yet) and it was published.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    generation_id: Annotated[str, Field(alias="generationId", title="Generationid")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    baseline_generation_id: Annotated[str | None, Field(alias="baselineGenerationId", title="Baselinegenerationid")]
    gate: EvaluationGate
    outcome: Annotated[Literal["passed", "held", "skipped"], Field(title="Outcome")]
    reason: Annotated[Literal["no_evaluation_set", "no_baseline"] | None, Field(title="Reason")] = None
    mode: Annotated[str | None, Field(title="Mode")] = None
    query_count: Annotated[int, Field(alias="queryCount", title="Querycount")]
    before: Annotated[float | None, Field(title="Before")] = None
    after: Annotated[float | None, Field(title="After")] = None
    regressed: Annotated[list[QueryComparison] | None, Field(title="Regressed")] = None
    improved_count: Annotated[int | None, Field(alias="improvedCount", title="Improvedcount")] = 0
    evaluated_at: Annotated[str, Field(alias="evaluatedAt", title="Evaluatedat")]


class FileRecord(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    external_item_id: Annotated[str, Field(alias="externalItemId", title="Externalitemid")]
    filename: Annotated[str, Field(title="Filename")]
    content_type: Annotated[str | None, Field(alias="contentType", title="Contenttype")] = None
    size: Annotated[int, Field(title="Size")]
    title: Annotated[str | None, Field(title="Title")] = None
    tags: Annotated[list[str] | None, Field(title="Tags")] = None
    metadata: Annotated[
        dict[str, str | int | float | bool | list[str | int | float | bool]] | None,
        Field(title="Metadata"),
    ] = None
    upload: Annotated[Literal["multipart", "presigned"], Field(title="Upload")]
    status: Annotated[
        Literal["awaiting_upload", "uploaded", "processing", "completed", "failed"],
        Field(title="Status"),
    ]
    result: FileResult | None = None
    error: FileError | None = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[str, Field(alias="updatedAt", title="Updatedat")]
    completed_at: Annotated[str | None, Field(alias="completedAt", title="Completedat")] = None


class GenerationView(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    run_id: Annotated[str, Field(alias="runId", title="Runid")]
    base_generation_id: Annotated[str | None, Field(alias="baseGenerationId", title="Basegenerationid")] = None
    status: Annotated[
        Literal["queued", "running", "succeeded", "failed", "held", "discarded"] | None,
        Field(title="Status"),
    ] = "succeeded"
    counts: RunCounts
    progress: Progress | None = None
    manifest: ManifestSummary | None = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    completed_at: Annotated[str | None, Field(alias="completedAt", title="Completedat")] = None
    error: Annotated[str | None, Field(title="Error")] = None
    error_code: Annotated[str | None, Field(alias="errorCode", title="Errorcode")] = None
    current: Annotated[bool, Field(title="Current")]


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    detail: Annotated[list[ValidationError] | None, Field(title="Detail")] = None


class ImportJob(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    mode: Annotated[Literal["upsert", "snapshot"], Field(title="Mode")]
    allow_mass_deletion: Annotated[bool | None, Field(alias="allowMassDeletion", title="Allowmassdeletion")] = False
    status: Annotated[
        Literal["created", "running", "succeeded", "failed", "cancelled"],
        Field(title="Status"),
    ]
    progress: Annotated[ImportProgress | None, Field(validate_default=True)] = {
        "bytesTotal": 0,
        "bytesRead": 0,
        "linesRead": 0,
        "accepted": 0,
        "rejected": 0,
    }
    counts: Annotated[ImportCounts | None, Field(validate_default=True)] = {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "restored": 0,
        "missing": 0,
    }
    rejections: Annotated[list[Rejection] | None, Field(title="Rejections", validate_default=True)] = []
    """
    The first 100 rejected lines; progress.rejected counts all
    """
    snapshot_id: Annotated[str | None, Field(alias="snapshotId", title="Snapshotid")] = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    started_at: Annotated[str | None, Field(alias="startedAt", title="Startedat")] = None
    completed_at: Annotated[str | None, Field(alias="completedAt", title="Completedat")] = None
    error: Annotated[str | None, Field(title="Error")] = None
    error_code: Annotated[str | None, Field(alias="errorCode", title="Errorcode")] = None


class ImportPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    imports: Annotated[list[ImportJob], Field(title="Imports")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class ItemPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ItemSummary], Field(title="Items")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class ItemPublication(BaseModel):
    """
    staged: changed since the serving generation (or never published); published: the serving
    generation `generationId` holds the item as it is staged now; failed: the automatic publish of
    its change gave up (`error`), and it stays unpublished until a later publish succeeds.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[Literal["staged", "published", "failed"], Field(title="Status")]
    generation_id: Annotated[str | None, Field(alias="generationId", title="Generationid")] = None
    error: PublishError | None = None


class ItemUpsertResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    item: StagedItem
    outcome: Annotated[Literal["created", "updated", "unchanged", "restored"], Field(title="Outcome")]


class KeyEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    key: ApiKey


class KeyPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    keys: Annotated[list[ApiKey], Field(title="Keys")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class PerformanceReport(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    from_: Annotated[str, Field(alias="from", title="From")]
    to: Annotated[str, Field(title="To")]
    endpoints: Annotated[list[EndpointPerformance], Field(title="Endpoints")]
    durations: Annotated[list[DurationPerformance], Field(title="Durations")]


class QueryLogEntry(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    """
    The queryId of an answer (POST /v1/query), the message id of a chat answer, or the id of a search
    """
    kind: Annotated[Literal["search", "query", "chat"], Field(title="Kind")]
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    key_id: Annotated[str, Field(alias="keyId", title="Keyid")]
    text: Annotated[str | None, Field(title="Text")] = None
    """
    The query (left out when logging is redacted)
    """
    text_hash: Annotated[str | None, Field(alias="textHash", title="Texthash")] = None
    """
    Redacted logging: a hash of the text, equal for equal texts
    """
    mode: Annotated[str | None, Field(title="Mode")] = None
    """
    search: keyword|semantic|hybrid; answers: extractive|generative
    """
    filters: Annotated[dict[str, Any] | None, Field(title="Filters")] = None
    source_ids: Annotated[list[str] | None, Field(alias="sourceIds", title="Sourceids")] = None
    chat_id: Annotated[str | None, Field(alias="chatId", title="Chatid")] = None
    result_count: Annotated[int, Field(alias="resultCount", title="Resultcount")]
    top_items: Annotated[list[TopItem] | None, Field(alias="topItems", title="Topitems")] = None
    found: Annotated[bool, Field(title="Found")]
    latency_ms: Annotated[float, Field(alias="latencyMs", title="Latencyms")]
    answer_tokens: Annotated[int | None, Field(alias="answerTokens", title="Answertokens")] = None
    rating: Annotated[Literal["up", "down"] | None, Field(title="Rating")] = None
    comment: Annotated[str | None, Field(title="Comment")] = None


class QueryLogPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    queries: Annotated[list[QueryLogEntry], Field(title="Queries")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class Run(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    status: Annotated[Literal["queued", "running", "succeeded", "failed"], Field(title="Status")]
    discovery_complete: Annotated[bool | None, Field(alias="discoveryComplete", title="Discoverycomplete")] = True
    base_generation_id: Annotated[str | None, Field(alias="baseGenerationId", title="Basegenerationid")] = None
    counts: Annotated[RunCounts | None, Field(validate_default=True)] = {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "tombstoned": 0,
        "purged": 0,
        "restored": 0,
    }
    progress: Progress | None = None
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    completed_at: Annotated[str | None, Field(alias="completedAt", title="Completedat")] = None
    error: Annotated[str | None, Field(title="Error")] = None
    error_code: Annotated[str | None, Field(alias="errorCode", title="Errorcode")] = None
    applied_generation_id: Annotated[str | None, Field(alias="appliedGenerationId", title="Appliedgenerationid")] = None
    rebuild: Annotated[bool | None, Field(title="Rebuild")] = False
    rebuild_required: Annotated[bool | None, Field(alias="rebuildRequired", title="Rebuildrequired")] = False


class RunEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    run: Run


class RunPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    runs: Annotated[list[Run], Field(title="Runs")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class SearchResponse(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[Literal["keyword", "semantic", "hybrid"], Field(title="Mode")]
    reranked: Annotated[bool | None, Field(title="Reranked")] = False
    """
    Whether the results were reordered by the reranker (their score is then its relevance)
    """
    group_by: Annotated[Literal["chunk", "item"] | None, Field(alias="groupBy", title="Groupby")] = "chunk"
    results: Annotated[list[SearchResult], Field(title="Results")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None
    """
    Send it back (with the same body) for the next page; null on the last page
    """


class Snapshot(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    source_id: Annotated[str, Field(alias="sourceId", title="Sourceid")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    status: Annotated[Literal["open", "committing", "committed", "aborted"], Field(title="Status")]
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    closed_at: Annotated[str | None, Field(alias="closedAt", title="Closedat")] = None
    counts: SnapshotCounts | None = None


class SnapshotEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    snapshot: Snapshot


class UploadTicket(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    file: FileRecord
    upload: UploadTarget


class Answer(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    answer: Annotated[str, Field(title="Answer")]
    mode: Annotated[Literal["extractive", "generative"], Field(title="Mode")]
    found: Annotated[bool, Field(title="Found")]
    """
    False when nothing relevant was found (the answer then says so)
    """
    sources: Annotated[list[AnswerSource], Field(title="Sources")]
    searched_query: Annotated[str | None, Field(alias="searchedQuery", title="Searchedquery")] = None
    """
    The query that was searched
    """
    usage: TokenUsage | None = None
    citations: Annotated[list[Citation] | None, Field(title="Citations")] = None
    """
    Each [n] of the answer and its text
    """
    query_id: Annotated[str | None, Field(alias="queryId", title="Queryid")] = None
    """
    POST /v1/query: this answer's id, to rate it (POST /v1/feedback)
    """


class EvaluationEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    evaluation: EvaluationReport


class FileEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    file: FileRecord
    publication: ItemPublication | None = None


class FilePage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    files: Annotated[list[FileRecord], Field(title="Files")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class GenerationEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    generation: GenerationView


class GenerationPage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    generations: Annotated[list[GenerationView], Field(title="Generations")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class ImportEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    import_: Annotated[ImportJob, Field(alias="import")]
    upload: Upload | None = None


class ItemEnvelope(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    item: StagedItem
    publication: ItemPublication | None = None


class Chat(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    tenant_id: Annotated[str, Field(alias="tenantId", title="Tenantid")]
    source_ids: Annotated[list[str] | None, Field(alias="sourceIds", title="Sourceids")] = None
    filters: SearchFilters | None = None
    message_count: Annotated[int | None, Field(alias="messageCount", title="Messagecount")] = 0
    created_at: Annotated[str, Field(alias="createdAt", title="Createdat")]
    expires_at: Annotated[str, Field(alias="expiresAt", title="Expiresat")]


class ChatHistory(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    chat: Chat
    messages: Annotated[list[ChatMessage], Field(title="Messages")]
    next_cursor: Annotated[str | None, Field(alias="nextCursor", title="Nextcursor")] = None


class ChatTurnResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    chat: Chat
    message: ChatMessage
    """
    The assistant's answer
    """


class CreateChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    max_tokens: Annotated[int | None, Field(alias="maxTokens", title="Maxtokens")] = None
    """
    At most this many tokens of answer (default 800)
    """
    temperature: Annotated[Temperature | None, Field(title="Temperature")] = None
    """
    Sampling temperature of a generative model (default 0)
    """
    stream: Annotated[bool | None, Field(title="Stream")] = False
    """
    Answer text/event-stream (start, delta, citation, done or error events); see docs/streaming.md
    """
    message: Annotated[str, Field(max_length=2000, min_length=1, title="Message")]
    source_ids: Annotated[SourceIds | None, Field(alias="sourceIds", title="Sourceids")] = None
    filters: SearchFilters | None = None


class ExplainRequest(BaseModel):
    """
    The search to explain (as POST /v1/search takes it) and the item in question.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query: Annotated[str, Field(max_length=2000, min_length=1, title="Query")]
    source_id: Annotated[str, Field(alias="sourceId", max_length=64, min_length=1, title="Sourceid")]
    """
    The item's source
    """
    external_item_id: Annotated[
        str,
        Field(alias="externalItemId", max_length=256, min_length=1, title="Externalitemid"),
    ]
    mode: Annotated[Literal["keyword", "semantic", "hybrid"] | None, Field(title="Mode")] = None
    limit: Annotated[int | None, Field(ge=1, le=100, title="Limit")] = 10
    source_ids: Annotated[SourceIds | None, Field(alias="sourceIds", title="Sourceids")] = None
    filters: SearchFilters | None = None
    language: Annotated[Language1 | None, Field(title="Language")] = None
    """
    The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. Default: as every language the searched items are in (docs/search.md)
    """
    min_score: Annotated[float | None, Field(alias="minScore", title="Minscore")] = None
    """
    As in POST /v1/search
    """


class QueryRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    max_tokens: Annotated[int | None, Field(alias="maxTokens", title="Maxtokens")] = None
    """
    At most this many tokens of answer (default 800)
    """
    temperature: Annotated[Temperature | None, Field(title="Temperature")] = None
    """
    Sampling temperature of a generative model (default 0)
    """
    stream: Annotated[bool | None, Field(title="Stream")] = False
    """
    Answer text/event-stream (start, delta, citation, done or error events); see docs/streaming.md
    """
    query: Annotated[str, Field(max_length=2000, min_length=1, title="Query")]
    source_ids: Annotated[SourceIds | None, Field(alias="sourceIds", title="Sourceids")] = None
    filters: SearchFilters | None = None
    max_sources: Annotated[int | None, Field(alias="maxSources", ge=1, le=20, title="Maxsources")] = 5
    language: Annotated[Language1 | None, Field(title="Language")] = None
    """
    The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. Default: as every language the searched items are in (docs/search.md)
    """


class SearchFilters(BaseModel):
    """
    Every part given must hold: `tags`, each `metadata` condition, and the `where` expression.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    tags: TagFilter | None = None
    metadata: Annotated[
        dict[
            str,
            MetadataCondition1
            | MetadataCondition2
            | MetadataCondition3
            | MetadataCondition4
            | MetadataCondition5
            | MetadataCondition6,
        ]
        | None,
        Field(max_length=20, title="Metadata"),
    ] = None
    where: Annotated[WhereCondition | WhereAnd | WhereOr | WhereNot | None, Field(title="Where")] = None
    """
    Conditions on tags, sourceId, externalItemId, language, updatedAt and metadata.<key>, combined with and / or / not (docs/search.md)
    """


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    query: Annotated[str, Field(max_length=2000, min_length=1, title="Query")]
    mode: Annotated[Literal["keyword", "semantic", "hybrid"] | None, Field(title="Mode")] = None
    """
    Default: hybrid where every searched generation has embeddings, else keyword
    """
    limit: Annotated[int | None, Field(ge=1, le=100, title="Limit")] = 10
    source_ids: Annotated[SourceIds | None, Field(alias="sourceIds", title="Sourceids")] = None
    filters: SearchFilters | None = None
    language: Annotated[Language1 | None, Field(title="Language")] = None
    """
    The query's language (BCP 47, e.g. de, pt-BR): it is analysed as that language. Default: as every language the searched items are in (docs/search.md)
    """
    rerank: Annotated[bool | None, Field(title="Rerank")] = None
    """
    Rerank the ranking's top candidates with the deployment's reranker; default: the deployment's choice (RerankByDefault). true where none is configured is 409 rerank_unavailable
    """
    group_by: Annotated[Literal["chunk", "item"] | None, Field(alias="groupBy", title="Groupby")] = "chunk"
    """
    item: one result per item (its best chunk), with matchingChunks
    """
    min_score: Annotated[float | None, Field(alias="minScore", title="Minscore")] = None
    """
    Leave out results scoring below this (the score of the mode that ran)
    """
    highlight: Annotated[bool | None, Field(title="Highlight")] = False
    """
    Give each result the offsets of the query's terms in its text
    """
    cursor: Annotated[Cursor | None, Field(title="Cursor")] = None
    """
    The nextCursor of the previous page; the rest of the body must be the same (limit may change)
    """


class WhereAnd(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    and_: Annotated[
        list[WhereCondition | WhereAnd | WhereOr | WhereNot],
        Field(alias="and", max_length=50, min_length=1, title="And"),
    ]


class WhereNot(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    not_: Annotated[WhereCondition | WhereAnd | WhereOr | WhereNot, Field(alias="not", title="Not")]


class WhereOr(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    or_: Annotated[
        list[WhereCondition | WhereAnd | WhereOr | WhereNot],
        Field(alias="or", max_length=50, min_length=1, title="Or"),
    ]


Chat.model_rebuild()
CreateChatRequest.model_rebuild()
ExplainRequest.model_rebuild()
QueryRequest.model_rebuild()
SearchFilters.model_rebuild()
WhereAnd.model_rebuild()
WhereNot.model_rebuild()
