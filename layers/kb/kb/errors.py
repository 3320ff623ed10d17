"""Domain errors. Each carries a stable machine code; kb.http.errors maps codes to HTTP."""

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(DomainError):
    code = "unauthorized"


class InvalidKey(DomainError):
    code = "invalid_key"


class KeyExpired(DomainError):
    code = "key_expired"


class KeyRevoked(DomainError):
    code = "key_revoked"


class InsufficientScope(DomainError):
    code = "insufficient_scope"


class NotFound(DomainError):
    code = "not_found"


class ValidationFailed(DomainError):
    code = "validation_error"


class InvalidCursor(DomainError):
    """A page cursor that was tampered with, or came from another listing or tenant."""

    code = "invalid_cursor"


class CursorExpired(DomainError):
    """A search cursor whose pinned generations are no longer kept."""

    code = "cursor_expired"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class SourceInactive(DomainError):
    code = "source_inactive"


class SnapshotInProgress(DomainError):
    code = "snapshot_in_progress"


class SnapshotClosed(DomainError):
    code = "snapshot_closed"


class MassDeletion(DomainError):
    """A snapshot commit would tombstone more of the source than its threshold allows."""

    code = "mass_deletion"


class NotApplyEligible(DomainError):
    code = "not_apply_eligible"


class NotRollbackEligible(DomainError):
    code = "not_rollback_eligible"


class StalePlan(DomainError):
    code = "stale_plan"


class StaleBase(DomainError):
    code = "stale_base"


class ApplyInProgress(DomainError):
    code = "apply_in_progress"


class LeaseLost(DomainError):
    code = "lease_lost"


class ApplyConflict(DomainError):
    code = "apply_conflict"


class RunExpired(DomainError):
    """The run is older than the plan retention (RunPlanRetentionDays), or its plan is gone."""

    code = "run_expired"


class BuildFailed(DomainError):
    code = "build_failed"


class GenerationUnavailable(DomainError):
    code = "generation_unavailable"


class PlanLimitExceeded(DomainError):
    """More keys, or a higher rate limit, than the tenant's plan allows."""

    code = "plan_limit_exceeded"


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"


class IdempotencyInProgress(DomainError):
    code = "idempotency_in_progress"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class SemanticUnavailable(DomainError):
    """Semantic or hybrid search was asked for where no embeddings exist."""

    code = "semantic_unavailable"


class RerankUnavailable(DomainError):
    """A search asked to be reranked where no reranker is configured."""

    code = "rerank_unavailable"


class AnswerFailed(DomainError):
    """The answer provider (e.g. Bedrock) failed; search still works."""

    code = "answer_failed"


class ImportClosed(DomainError):
    """An import asked to start or cancel in a state that does not allow it."""

    code = "import_closed"


class UploadMissing(DomainError):
    """An import started before its file was uploaded."""

    code = "upload_missing"


class IpNotAllowed(DomainError):
    """The key is restricted to source ranges that do not hold the caller's address."""

    code = "ip_not_allowed"


class QuotaExceeded(DomainError):
    """The write would take the tenant past a quota of its plan (stored items or bytes)."""

    code = "quota_exceeded"


class RebuildRequired(DomainError):
    """The source's chunking or language changed since its serving generation was built: an
    incremental apply would mix chunks cut both ways, so only a rebuild (POST /v1/train) applies."""

    code = "rebuild_required"


class TrainingInProgress(DomainError):
    """The tenant already has a training job that has not finished."""

    code = "training_in_progress"


class TrainingNotRunning(DomainError):
    """A cancel of a training job that has already finished."""

    code = "training_not_running"
