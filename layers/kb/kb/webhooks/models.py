from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, HttpUrl, field_validator

from kb.models import ApiModel, IntegralNumber, NoNullsRequest, PatchRequest, RecordModel

EVENT_TYPES = (
    "content.created",
    "content.updated",
    "content.deleted",
    "run.completed",
    "generation.published",
    "generation.build_failed",
    "generation.rolled_back",
    "file.uploaded",
    "file.processed",
    "file.failed",
    "source.publish_failed",
    "import.started",
    "import.completed",
    "import.failed",
    "import.cancelled",
    "training.started",
    "training.completed",
    "training.failed",
    "training.cancelled",
    "chat.message",
    "chat.completed",
    "webhook.test",
    "generation.held",
)
# A subscription may also name a family ("content.*") or everything ("*").
SUBSCRIBABLE = frozenset({*EVENT_TYPES, "*", *{f"{t.split('.')[0]}.*" for t in EVENT_TYPES}})


def subscribed(patterns: list[str], event_type: str) -> bool:
    family = event_type.split(".")[0] + ".*"
    return any(p in ("*", event_type, family) for p in patterns)


def about_sources(source_ids: list[str] | None, data: dict[str, Any]) -> bool:
    """Whether an event is for a subscription scoped to `source_ids` (None: not scoped): it is
    when its data names one of them (sourceId, or any of sourceIds for tenant-wide events)."""
    if not source_ids:
        return True
    named = {data.get("sourceId"), *(data.get("sourceIds") or [])}
    return not named.isdisjoint(source_ids)


# A subscription's own retry schedule: at most 10 retries, each 1 s to 24 h after the failure
# before it, and all of them within 3 days (deliveries are dead-lettered after the last).
MAX_RETRIES = 10
MAX_RETRY_DELAY_SECONDS = 86_400
MAX_RETRY_TOTAL_SECONDS = 3 * 86_400
RetryDelay = Annotated[int, Field(ge=1, le=MAX_RETRY_DELAY_SECONDS), IntegralNumber]
RetrySchedule = Annotated[list[RetryDelay], Field(max_length=MAX_RETRIES)]
MAX_SCOPED_SOURCES = 100
SourceIds = Annotated[
    list[Annotated[str, Field(pattern=r"^src_[A-Za-z0-9]{1,64}$")]], Field(max_length=MAX_SCOPED_SOURCES)
]


class Webhook(RecordModel):
    id: str
    tenant_id: str
    url: str
    events: list[str]
    description: str = ""
    enabled: bool = True
    disabled_reason: str | None = None
    created_at: str
    updated_at: str
    secret_rotated_at: str | None = None
    previous_secret_expires_at: str | None = None
    # Names of SecureString parameters holding the secrets; never returned.
    secret_parameter: str = Field(exclude=True)
    previous_secret_parameter: str | None = Field(default=None, exclude=True)
    # Incremented on every write of the subscription; each write is conditioned on the version it
    # read. Never returned.
    version: int = Field(default=0, exclude=True)
    retry_schedule: list[int] | None = Field(
        default=None, description="Seconds before each retry; null: the deployment's WebhookRetrySchedule."
    )
    source_ids: list[str] | None = Field(
        default=None, description="Only events about these sources are delivered; null: every source."
    )


# The schema enumerates what the validator below accepts.
EventPattern = Annotated[str, Field(json_schema_extra={"enum": sorted(SUBSCRIBABLE)})]


class _Subscription(NoNullsRequest):
    @field_validator("retry_schedule", check_fields=False)
    @classmethod
    def _bounded(cls, schedule: list[int] | None) -> list[int] | None:
        if schedule is not None and sum(schedule) > MAX_RETRY_TOTAL_SECONDS:
            raise ValueError(f"the retries must all fall within {MAX_RETRY_TOTAL_SECONDS} seconds (3 days)")
        return schedule

    @field_validator("events", check_fields=False)
    @classmethod
    def _known_events(cls, events: list[str] | None) -> list[str] | None:
        unknown = sorted(set(events or []) - SUBSCRIBABLE)
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {sorted(SUBSCRIBABLE)}")
        return events


class CreateWebhookRequest(_Subscription):
    url: HttpUrl
    events: list[EventPattern] = Field(min_length=1, max_length=len(SUBSCRIBABLE))
    description: str = Field(default="", max_length=500)
    retry_schedule: RetrySchedule | None = Field(
        default=None,
        description="Seconds before each retry after a failed attempt (at most 10, each 1 to 86400, "
        "3 days in all; [] never retries). Default: the deployment's WebhookRetrySchedule.",
    )
    source_ids: SourceIds | None = Field(
        default=None, description="Deliver only events about these sources (default: every source)."
    )


class UpdateWebhookRequest(_Subscription, PatchRequest):
    url: HttpUrl | None = None
    events: list[EventPattern] | None = Field(default=None, min_length=1, max_length=len(SUBSCRIBABLE))
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=500)
    retry_schedule: RetrySchedule | None = Field(default=None, description="Replaces the subscription's schedule.")
    source_ids: SourceIds | None = Field(default=None, description="Replaces the scope; [] lifts it.")


class WebhookEnvelope(ApiModel):
    webhook: Webhook


class CreatedWebhook(ApiModel):
    # Never stored anywhere in clear, idempotency records included (kb.http.idempotency).
    shown_once: ClassVar[frozenset[str]] = frozenset({"secret"})

    webhook: Webhook
    secret: str | None = Field(description="whsec_<base64>: shown once. null on an idempotent replay.")


class WebhookPage(ApiModel):
    webhooks: list[Webhook]
    next_cursor: str | None = None


class Event(ApiModel):
    """What a receiver gets, as the Standard Webhooks payload."""

    id: str
    type: str
    timestamp: str
    data: dict[str, Any]


class EventMessage(ApiModel):
    """On the events queue: an event to fan out (to one webhook only, for webhook.test)."""

    kind: Literal["event"] = "event"
    tenant_id: str
    event: Event
    webhook_id: str | None = None


class DeliveryMessage(ApiModel):
    """On the deliveries queue: one delivery's next attempt, not before `not_before` (epoch seconds)."""

    kind: Literal["delivery"] = "delivery"
    tenant_id: str
    webhook_id: str
    delivery_id: str
    not_before: float = 0.0


class Attempt(ApiModel):
    at: str
    status_code: int | None = None
    latency_ms: int
    error: str | None = None
    response_body: str | None = Field(default=None, description="The first 1 KB of the response body.")


DeliveryStatus = Literal["pending", "succeeded", "failed"]


class Delivery(RecordModel):
    id: str
    webhook_id: str
    tenant_id: str
    event: Event
    status: DeliveryStatus = "pending"
    attempts: list[Attempt] = Field(default_factory=list)
    next_attempt_at: str | None = None
    created_at: str
    updated_at: str


class DeliveryEnvelope(ApiModel):
    delivery: Delivery


class DeliveryPage(ApiModel):
    deliveries: list[Delivery]
    next_cursor: str | None = None
