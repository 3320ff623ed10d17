from typing import Annotated, Literal

from pydantic import Field

from kb.models import ApiModel, IntegralNumber, IsoDatetime, JsonInt, RecordModel, RequestModel

Scope = Literal["read", "write", "admin"]
# A scope grants everything the scopes below it grant: read < write < admin.
SCOPE_RANK: dict[str, int] = {"read": 0, "write": 1, "admin": 2}
DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600


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

    def public(self) -> ApiKey:
        return ApiKey.model_validate(self.model_dump(exclude={"secret_hash", "previous_secret_hash"}))


class CreateKeyRequest(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    scope: Scope = "write"
    expires_at: IsoDatetime | None = Field(default=None, description="After this instant the key answers key_expired.")
    rate_limit_per_minute: Annotated[int, Field(ge=1, le=100_000), IntegralNumber] | None = Field(
        default=None, description="Default: 120."
    )


class RotateKeyRequest(RequestModel):
    overlap_seconds: JsonInt = Field(
        default=DEFAULT_ROTATION_OVERLAP_SECONDS,
        ge=0,
        le=7 * 24 * 3600,
        description="How long the old secret keeps working.",
    )


class CreatedKey(ApiModel):
    key: ApiKey
    secret: str = Field(description="The full API key. Shown once; only a hash is stored.")


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
