"""Typed settings, read from the environment once per process (the template sets them).

A plain pydantic model validated from os.environ: pydantic-settings would add ~20 ms to every
cold start for sources (dotenv, secrets dirs, CLI) that Lambda never uses."""

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The largest figure a limit or quota may have, at every level: a key's, a plan's (kb.keys.models)
# and the deployment's default (QuotaMaxItems' MaxValue in template.yaml). One bound for all, so a
# deployment's default is always a quota a plan could state.
LIMIT_MAX = 10_000_000


class Settings(BaseModel):
    # Lambda's environment holds many other variables; only the aliases below are read.
    # defer_build: validated once, on the first request (or before the SnapStart snapshot).
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    table_name: str = Field(validation_alias="TABLE_NAME")
    bucket_name: str = Field(validation_alias="BUCKET_NAME")
    idempotency_table_name: str = Field(default="", validation_alias="IDEMPOTENCY_TABLE_NAME")
    run_state_machine_arn: str = Field(default="", validation_alias="RUN_STATE_MACHINE_ARN")
    apply_state_machine_arn: str = Field(default="", validation_alias="APPLY_STATE_MACHINE_ARN")
    import_state_machine_arn: str = Field(default="", validation_alias="IMPORT_STATE_MACHINE_ARN")
    train_state_machine_arn: str = Field(default="", validation_alias="TRAIN_STATE_MACHINE_ARN")
    # How many bytes of an import's file one ReadSlice task reads (then up to the next newline).
    import_slice_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, validation_alias="IMPORT_SLICE_BYTES")
    # How long an endpoint waits for its state machine before answering 202 with a status to poll.
    execution_wait_seconds: float = Field(default=20.0, validation_alias="EXECUTION_WAIT_SECONDS")
    # Serving: none | local (the ONNX model shipped in a package) | bedrock (Titan text embeddings).
    embedding_provider: Literal["none", "local", "bedrock"] = Field(
        default="none", validation_alias="EMBEDDING_PROVIDER"
    )
    embedding_model_id: str = Field(default="amazon.titan-embed-text-v2:0", validation_alias="EMBEDDING_MODEL_ID")
    # extractive (sentences of the best chunks, offline) | bedrock (the Converse API).
    answer_provider: Literal["extractive", "bedrock"] = Field(default="extractive", validation_alias="ANSWER_PROVIDER")
    answer_model_id: str = Field(default="anthropic.claude-3-haiku-20240307-v1:0", validation_alias="ANSWER_MODEL_ID")
    # Search reranking: none | bedrock (the Rerank API with RerankModelId), whether a search
    # that does not say is reranked, and how many of the ranking's top candidates are reranked.
    rerank_provider: Literal["none", "bedrock"] = Field(default="none", validation_alias="RERANK_PROVIDER")
    rerank_model_id: str = Field(default="amazon.rerank-v1:0", validation_alias="RERANK_MODEL_ID")
    rerank_by_default: bool = Field(default=True, validation_alias="RERANK_BY_DEFAULT")
    rerank_candidates: int = Field(default=50, ge=1, le=100, validation_alias="RERANK_CANDIDATES")
    # Loaded generations a warm search function keeps (by an estimate of their size in memory).
    search_cache_mb: int = Field(default=256, ge=1, validation_alias="SEARCH_CACHE_MB")
    chat_retention_days: int = Field(default=30, ge=1, validation_alias="CHAT_RETENTION_DAYS")
    # The windows of a key whose key and plan name no figure (seed 000: 100, 1,000, 10,000; bulk 10).
    rate_limit_per_minute: int = Field(default=100, ge=1, validation_alias="RATE_LIMIT_PER_MINUTE")
    rate_limit_per_hour: int = Field(default=1_000, ge=1, validation_alias="RATE_LIMIT_PER_HOUR")
    rate_limit_per_day: int = Field(default=10_000, ge=1, validation_alias="RATE_LIMIT_PER_DAY")
    bulk_rate_limit_per_minute: int = Field(default=10, ge=1, validation_alias="BULK_RATE_LIMIT_PER_MINUTE")
    # Failed authentications a source address may make in a minute before it is refused (kb.ratelimit).
    failed_auth_per_address_per_minute: int = Field(
        default=30, ge=1, validation_alias="FAILED_AUTH_PER_ADDRESS_PER_MINUTE"
    )
    # A tenant's quotas when its plan names none (the standard tier's).
    quota_max_items: int = Field(default=100_000, ge=1, le=LIMIT_MAX, validation_alias="QUOTA_MAX_ITEMS")
    quota_max_stored_bytes: int = Field(default=1024**3, ge=1, validation_alias="QUOTA_MAX_STORED_BYTES")
    apply_lease_seconds: int = Field(default=300, validation_alias="APPLY_LEASE_SECONDS")
    # A run plan's lifetime (the bucket's lifecycle rule expires plans after as many days).
    run_plan_retention_days: int = Field(default=30, ge=1, validation_alias="RUN_PLAN_RETENTION_DAYS")
    generation_retention: int = Field(default=10, ge=1, validation_alias="GENERATION_RETENTION")
    # Signs page cursors (HMAC-SHA256); rotating it invalidates the cursors handed out before.
    cursor_signing_key: str = Field(default="", repr=False, validation_alias="CURSOR_SIGNING_KEY")
    # The storage sweep's own queue of steps (functions/sweep_storage).
    sweep_queue_url: str = Field(default="", validation_alias="SWEEP_QUEUE_URL")
    # Uploaded files (functions/upload_file, create_file_upload, process_file).
    uploads_bucket_name: str = Field(default="", validation_alias="UPLOADS_BUCKET_NAME")
    files_queue_url: str = Field(default="", validation_alias="FILES_QUEUE_URL")
    events_queue_url: str = Field(default="", validation_alias="EVENTS_QUEUE_URL")
    # Auto publishing (kb.autopublish): its queue, the backoff base after a failed attempt (and
    # how often a busy source is looked at again), the attempts before giving up, and how long
    # the worker waits for each of its run and its apply (within its function's timeout).
    auto_publish_queue_url: str = Field(default="", validation_alias="AUTO_PUBLISH_QUEUE_URL")
    auto_publish_retry_seconds: float = Field(default=30.0, ge=0, validation_alias="AUTO_PUBLISH_RETRY_SECONDS")
    auto_publish_max_attempts: int = Field(default=4, ge=1, validation_alias="AUTO_PUBLISH_MAX_ATTEMPTS")
    auto_publish_wait_seconds: float = Field(default=400.0, gt=0, validation_alias="AUTO_PUBLISH_WAIT_SECONDS")
    webhook_dead_letter_queue_url: str = Field(default="", validation_alias="WEBHOOK_DLQ_URL")
    webhook_secret_prefix: str = Field(default="/knowledge-base/webhooks", validation_alias="WEBHOOK_SECRET_PREFIX")
    webhook_deliveries_queue_url: str = Field(default="", validation_alias="WEBHOOK_DELIVERIES_QUEUE_URL")
    # One attempt's overall deadline: connect, send and the whole answer.
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, validation_alias="WEBHOOK_TIMEOUT_SECONDS")
    # Seconds after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    webhook_retry_schedule: str = Field(
        default="5,300,1800,7200,18000,36000,36000", validation_alias="WEBHOOK_RETRY_SCHEDULE"
    )
    webhook_retry_jitter: float = Field(default=0.1, ge=0, le=0.5, validation_alias="WEBHOOK_RETRY_JITTER")
    # Lets webhooks reach http:// and loopback receivers; only the local stack sets it.
    webhook_allow_insecure: bool = Field(default=False, validation_alias="WEBHOOK_ALLOW_INSECURE")

    # Usage counters, latency histograms and the query log (kb.analytics); off: nothing is recorded.
    analytics_recording: bool = Field(default=True, validation_alias="ANALYTICS_RECORDING")

    def retry_schedule(self) -> tuple[float, ...]:
        return tuple(float(part) for part in self.webhook_retry_schedule.split(",") if part.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))


class ConsoleSettings(BaseModel):
    """The console function's own setting, so that serving its files never depends on the API's."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # The stream function's alias ARN, whose URL the console's page streams answers from.
    stream_function: str = Field(default="", validation_alias="STREAM_FUNCTION")


@lru_cache(maxsize=1)
def get_console_settings() -> ConsoleSettings:
    return ConsoleSettings.model_validate(dict(os.environ))
