from typing import Annotated, ClassVar, Literal

from pydantic import Field

from kb.models import ApiModel, IntegralNumber, IsoDatetime, JsonInt, RecordModel, RequestModel

Scope = Literal["read", "write", "admin"]
# A scope grants everything the scopes below it grant: read < write < admin.
SCOPE_RANK: dict[str, int] = {"read": 0, "write": 1, "admin": 2}
DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600
# A tenant's plan, unless an operator set another on its TENANT record.
DEFAULT_MAX_KEYS = 1_000
DEFAULT_MAX_RATE_LIMIT_PER_MINUTE = 10_000


class Plan(RecordModel):
    max_keys: int = Field(default=DEFAULT_MAX_KEYS, description="Keys that are not revoked, at most.")
    max_rate_limit_per_minute: int = DEFAULT_MAX_RATE_LIMIT_PER_MINUTE


class Tenant(RecordModel):
    id: str
    name: str
    created_at: str
    plan: Plan = Field(default_factory=Plan)
    key_count: int = Field(default=0, description="Keys that are not revoked; kept in step with them by transactions.")


class ApiKey(RecordModel):
    id: str
    tenant_id: str
    name: str
    scope: Scope
    status: Literal["active", "revoked"] = "active"
    created_at: str
    expires_at: str | None = None
    rate_limit_per_minute: int | None = None
    rotated_at: str | None = None
    previous_secret_expires_at: str | None = None
    revoked_at: str | None = None


class StoredApiKey(ApiKey):
    secret_hash: str
    previous_secret_hash: str | None = None
    # Incremented on every write; each write is conditioned on the version it read (0: never written
    # with a version, as records written before versions were introduced).
    version: int = 0

    def public(self) -> ApiKey:
        return ApiKey.model_validate(self.model_dump(exclude={"secret_hash", "previous_secret_hash", "version"}))


class CreateKeyRequest(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    scope: Scope = "write"
    expires_at: IsoDatetime | None = Field(
        default=None, description="After this instant the key answers key_expired. Must be in the future."
    )
    rate_limit_per_minute: Annotated[int, Field(ge=1, le=100_000), IntegralNumber] | None = Field(
        default=None, description="Default: 120. At most the tenant plan's maxRateLimitPerMinute."
    )


class RotateKeyRequest(RequestModel):
    overlap_seconds: JsonInt = Field(
        default=DEFAULT_ROTATION_OVERLAP_SECONDS,
        ge=0,
        le=7 * 24 * 3600,
        description="How long the old secret keeps working.",
    )


class CreatedKey(ApiModel):
    # Never stored anywhere in clear, idempotency records included (kb.http.idempotency).
    shown_once: ClassVar[frozenset[str]] = frozenset({"secret"})

    key: ApiKey
    secret: str | None = Field(
        description="The full API key. Shown once; only a hash is stored. null on an idempotent replay."
    )


class KeyEnvelope(ApiModel):
    key: ApiKey


class KeyPage(ApiModel):
    keys: list[ApiKey]
    next_cursor: str | None = None


class Principal(ApiModel):
    tenant_id: str
    key_id: str
    scope: Scope
    rate_limit_per_minute: int | None = None
