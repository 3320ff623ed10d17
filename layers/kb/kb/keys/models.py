import ipaddress
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator

from kb.models import ApiModel, IntegralNumber, IsoDatetime, JsonInt, PatchRequest, RecordModel, RequestModel
from kb.settings import LIMIT_MAX

Scope = Literal["read", "write", "admin"]
# A scope grants everything the scopes below it grant: read < write < admin.
SCOPE_RANK: dict[str, int] = {"read": 0, "write": 1, "admin": 2}
DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600
# A tenant's plan, unless an operator set another on its TENANT record.
DEFAULT_MAX_KEYS = 1_000
DEFAULT_MAX_RATE_LIMIT_PER_MINUTE = 10_000


Limit = Annotated[int, Field(ge=1, le=LIMIT_MAX), IntegralNumber]
PlanTier = Literal["standard", "premium", "enterprise"]
# How many source ranges a key may be restricted to.
MAX_ALLOWED_IPS = 50


class RateLimits(RequestModel):
    """Requests allowed per calendar window; a window left out falls back to the next level (key,
    then the tenant's plan, then the deployment's defaults). Bulk requests count in every window
    and, besides, in their own per-minute window (kb.ratelimit.BULK_ROUTES)."""

    per_minute: Limit | None = None
    per_hour: Limit | None = None
    per_day: Limit | None = None
    bulk_per_minute: Limit | None = None


class Quotas(RequestModel):
    """What a tenant may store in its staging sets: active items, and their content's bytes."""

    max_items: Limit | None = None
    max_stored_bytes: Annotated[int, Field(ge=1), IntegralNumber] | None = None


class Plan(RecordModel):
    max_keys: int = Field(default=DEFAULT_MAX_KEYS, description="Keys that are not revoked, at most.")
    max_rate_limit_per_minute: int = DEFAULT_MAX_RATE_LIMIT_PER_MINUTE
    tier: PlanTier | None = None
    # None: the deployment's defaults (template parameters RateLimitPerMinute, ...).
    rate_limits: RateLimits | None = None
    quotas: Quotas | None = None


GIB = 1024**3
# The tiers (seed figures per minute; hours, days, bulk and quotas our choice: docs/limits.md).
PLAN_TIERS: dict[str, tuple[RateLimits, Quotas]] = {
    "standard": (
        RateLimits(per_minute=100, per_hour=1_000, per_day=10_000, bulk_per_minute=10),
        Quotas(max_items=100_000, max_stored_bytes=1 * GIB),
    ),
    "premium": (
        RateLimits(per_minute=500, per_hour=10_000, per_day=100_000, bulk_per_minute=50),
        Quotas(max_items=1_000_000, max_stored_bytes=10 * GIB),
    ),
    "enterprise": (
        RateLimits(per_minute=2_000, per_hour=60_000, per_day=1_000_000, bulk_per_minute=200),
        Quotas(max_items=10_000_000, max_stored_bytes=100 * GIB),
    ),
}


def tier_plan(tier: PlanTier, **overrides: object) -> Plan:
    """The plan of a tier, with its figures written out (so a later change of the tiers does not
    move existing tenants), and the plan's key bounds raised to fit its per-minute figure."""
    limits, quotas = PLAN_TIERS[tier]
    fields: dict[str, object] = {"tier": tier, "rate_limits": limits, "quotas": quotas}
    fields["max_rate_limit_per_minute"] = max(DEFAULT_MAX_RATE_LIMIT_PER_MINUTE, limits.per_minute or 0)
    return Plan.model_validate({**fields, **overrides})


def _valid_networks(values: list[str] | None) -> list[str] | None:
    """CIDRs (or single addresses), IPv4 or IPv6, in their normal form (host bits must be zero)."""
    if values is None:
        return None
    normal: list[str] = []
    for value in values:
        try:
            normal.append(str(ipaddress.ip_network(value.strip(), strict=True)))
        except ValueError as error:
            raise ValueError(f"{value!r} is not an IPv4 or IPv6 address or CIDR range ({error})") from error
    return list(dict.fromkeys(normal))


AllowedIps = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=MAX_ALLOWED_IPS)]


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
    rate_limits: RateLimits | None = None
    allowed_ips: list[str] | None = Field(
        default=None, description="Source ranges (CIDR, IPv4 or IPv6) the key works from; null: anywhere."
    )
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
        default=None,
        description="Same as rateLimits.perMinute (kept for older clients). At most the plan's maxRateLimitPerMinute.",
    )
    rate_limits: RateLimits | None = Field(
        default=None, description="Per window; a window left out is the tenant plan's (docs/limits.md)."
    )
    allowed_ips: AllowedIps | None = Field(
        default=None,
        description="CIDR ranges or addresses (IPv4, IPv6) the key may be used from; elsewhere 403 ip_not_allowed.",
    )

    _networks = field_validator("allowed_ips")(_valid_networks)


class UpdateKeyRequest(PatchRequest):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    rate_limits: RateLimits | None = Field(default=None, description="Replaces the key's windows ({}: the plan's).")
    allowed_ips: AllowedIps | None = Field(
        default=None, description="Replaces the key's ranges; [] lifts the restriction."
    )

    _networks = field_validator("allowed_ips")(_valid_networks)


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
    rate_limits: RateLimits | None = None
    allowed_ips: list[str] | None = None
