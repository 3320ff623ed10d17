"""API keys: issuing, rotating, revoking and authenticating. Only a SHA-256 of the secret is
stored: the secret is 256 random bits, so a slow password hash would add latency, not security.
Functions that depend on the time take `now` (default: the clock), so tests need not wait."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from kb.errors import (
    InsufficientScope,
    InvalidKey,
    KeyExpired,
    KeyRevoked,
    NotFound,
    PlanLimitExceeded,
    Unauthorized,
    ValidationFailed,
)
from kb.ids import Clock, new_id, parse_iso, to_iso, utcnow
from kb.keys.models import (
    SCOPE_RANK,
    ApiKey,
    CreatedKey,
    CreateKeyRequest,
    KeyPage,
    Plan,
    Principal,
    RateLimits,
    Scope,
    StoredApiKey,
    Tenant,
    UpdateKeyRequest,
)
from kb.keys.repository import KeyChanged, KeyLimitReached, KeyRepository

KEY_PREFIX = "sk_live_"
_KEY_PATTERN = re.compile(r"^sk_live_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$")
_MAX_WRITE_ATTEMPTS = 5
# Compared against when the key id is unknown, so an unknown id costs what a wrong secret costs.
_UNMATCHABLE_HASH = hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def parse_key(full_key: str) -> tuple[str, str] | None:
    match = _KEY_PATTERN.match(full_key)
    return (match.group(1), match.group(2)) if match else None


def issue_key(
    repo: KeyRepository,
    tenant_id: str,
    request: CreateKeyRequest,
    full_key: str | None = None,
    now: datetime | None = None,
) -> CreatedKey:
    """Create a key within the tenant's plan. `full_key` lets an operator fix the key (the local
    stack's LOCAL_ADMIN_KEY)."""
    now = now or utcnow()
    expires_at = _aware(request.expires_at) if request.expires_at else None
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("expiresAt: must be in the future")
    tenant = repo.get_tenant(tenant_id)
    plan = tenant.plan if tenant else Plan()
    _within_plan(plan, request.rate_limit_per_minute, "rateLimitPerMinute")
    _within_plan(plan, request.rate_limits.per_minute if request.rate_limits else None, "rateLimits.perMinute")
    if full_key is not None:
        parsed = parse_key(full_key)
        if parsed is None:
            raise InvalidKey("The key must look like sk_live_<16 hex>_<secret of 32+ url-safe chars>.")
        key_id, secret = parsed
    else:
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    stored = StoredApiKey(
        id=key_id,
        tenant_id=tenant_id,
        name=request.name,
        scope=request.scope,
        created_at=to_iso(now),
        expires_at=to_iso(expires_at) if expires_at else None,
        rate_limit_per_minute=request.rate_limit_per_minute,
        rate_limits=request.rate_limits,
        allowed_ips=request.allowed_ips or None,
        secret_hash=hash_secret(secret),
    )
    try:
        repo.create(stored, max_keys=plan.max_keys)
    except KeyLimitReached as error:
        raise PlanLimitExceeded(
            f"The tenant's plan allows at most {plan.max_keys} keys that are not revoked; revoke one first."
        ) from error
    return CreatedKey(key=stored.public(), secret=format_key(key_id, secret))


def _within_plan(plan: Plan, per_minute: int | None, field: str) -> None:
    if per_minute and per_minute > plan.max_rate_limit_per_minute:
        raise PlanLimitExceeded(
            f"{field}: the tenant's plan allows at most {plan.max_rate_limit_per_minute} per minute."
        )


def update_key(repo: KeyRepository, tenant_id: str, key_id: str, request: UpdateKeyRequest) -> ApiKey:
    """Rename a key, or replace its rate-limit windows or its source ranges. Written only over the
    version read, so a concurrent revocation or rotation is never undone."""
    fields = request.model_fields_set
    if "rate_limits" in fields and request.rate_limits is not None:
        tenant = repo.get_tenant(tenant_id)
        _within_plan(tenant.plan if tenant else Plan(), request.rate_limits.per_minute, "rateLimits.perMinute")
    for _ in range(_MAX_WRITE_ATTEMPTS):
        stored = _own_key(repo, tenant_id, key_id)
        if stored.status == "revoked":
            raise KeyRevoked(f"Key {key_id} is revoked; it cannot be changed.")
        update: dict[str, object] = {}
        if "name" in fields:
            update["name"] = request.name
        if "rate_limits" in fields:
            limits = request.rate_limits or RateLimits()
            # The windows replace the older single figure, which would otherwise still count.
            update |= {"rate_limits": limits, "rate_limit_per_minute": None}
        if "allowed_ips" in fields:
            update["allowed_ips"] = request.allowed_ips or None
        try:
            written = repo.replace(stored.model_copy(update=update))
        except KeyChanged:
            continue
        return written.public()
    raise RuntimeError("the key kept changing under concurrent updates")


def _aware(moment: datetime) -> datetime:
    """A timestamp without an offset is taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def bootstrap_tenant(
    repo: KeyRepository, name: str, full_key: str | None = None, plan: Plan | None = None
) -> CreatedKey:
    """A new tenant (with `plan`, default: the default plan) and its first admin key, written
    straight to the table."""
    now = utcnow()
    tenant = Tenant(id=new_id("ten"), name=name, created_at=to_iso(now), plan=plan or Plan())
    repo.create_tenant(tenant)
    request = CreateKeyRequest(name="bootstrap admin", scope="admin")
    return issue_key(repo, tenant.id, request, full_key, now)


def _own_key(repo: KeyRepository, tenant_id: str, key_id: str) -> StoredApiKey:
    stored = repo.get(key_id)
    if stored is None or stored.tenant_id != tenant_id:
        raise NotFound(f"Key {key_id} was not found.")
    return stored


def get_key(repo: KeyRepository, tenant_id: str, key_id: str) -> ApiKey:
    return _own_key(repo, tenant_id, key_id).public()


def list_keys(repo: KeyRepository, tenant_id: str, limit: int, cursor: str | None) -> KeyPage:
    keys, next_cursor = repo.page(tenant_id, limit, cursor)
    return KeyPage(keys=[k.public() for k in keys], next_cursor=next_cursor)


def rotate_key(
    repo: KeyRepository, tenant_id: str, key_id: str, overlap_seconds: int, now: datetime | None = None
) -> CreatedKey:
    """A new secret; the current one keeps working for `overlap_seconds`, then is key_expired.
    Written only over the version read, so a concurrent revocation is never undone."""
    now = now or utcnow()
    for _ in range(_MAX_WRITE_ATTEMPTS):
        stored = _own_key(repo, tenant_id, key_id)
        if stored.status == "revoked":
            raise KeyRevoked(f"Key {key_id} is revoked; it cannot be rotated.")
        secret = secrets.token_urlsafe(32)
        rotated = stored.model_copy(
            update={
                "secret_hash": hash_secret(secret),
                "previous_secret_hash": stored.secret_hash,
                "previous_secret_expires_at": to_iso(now + timedelta(seconds=overlap_seconds)),
                "rotated_at": to_iso(now),
            }
        )
        try:
            written = repo.replace(rotated)
        except KeyChanged:
            continue  # changed concurrently (rotated, revoked): decide again on the newest record
        return CreatedKey(key=written.public(), secret=format_key(key_id, secret))
    raise RuntimeError("the key kept changing under concurrent rotations")


def revoke_key(repo: KeyRepository, tenant_id: str, key_id: str, now: datetime | None = None) -> ApiKey:
    now = now or utcnow()
    for _ in range(_MAX_WRITE_ATTEMPTS):
        stored = _own_key(repo, tenant_id, key_id)
        if stored.status == "revoked":
            return stored.public()
        revoked = stored.model_copy(update={"status": "revoked", "revoked_at": to_iso(now)})
        try:
            written = repo.revoke(revoked)
        except KeyChanged:
            continue
        return written.public()
    raise RuntimeError("the key kept changing under concurrent updates")


def authenticate(
    repo: KeyRepository, bearer_token: str | None, key_clock: Callable[[str], Clock] = lambda _key_id: utcnow
) -> Principal:
    """`bearer_token` is None when the Authorization header is missing or not 'Bearer <token>'.
    A key's state (revoked, expired) is told only to a caller who proved the secret; expiry is
    judged by `key_clock(keyId)`. An unknown key id does the same work as a wrong secret (hash,
    two constant-time comparisons), so the answer's timing does not tell which ids exist."""
    if not bearer_token:
        raise Unauthorized("Missing or malformed Authorization header; expected 'Bearer <key>'.")
    parsed = parse_key(bearer_token)
    if parsed is None:
        raise InvalidKey("The API key is not valid.")
    key_id, secret = parsed
    stored = repo.get(key_id)
    digest, now = hash_secret(secret), key_clock(key_id)()
    current = stored.secret_hash if stored else _UNMATCHABLE_HASH
    previous = stored.previous_secret_hash if stored and stored.previous_secret_hash else _UNMATCHABLE_HASH
    # Both comparisons always run: no early exit on the first match.
    matches_current = hmac.compare_digest(current, digest)
    matches_previous = hmac.compare_digest(previous, digest)
    if stored is None or not (matches_current or matches_previous):
        raise InvalidKey("The API key is not valid.")
    if not matches_current and (
        stored.previous_secret_expires_at and now >= parse_iso(stored.previous_secret_expires_at)
    ):
        raise KeyExpired("This secret was rotated and its overlap has ended; use the new secret.")
    if stored.status == "revoked":
        raise KeyRevoked("This API key was revoked.")
    if stored.expires_at and now >= parse_iso(stored.expires_at):
        raise KeyExpired("This API key has expired.")
    return Principal(
        tenant_id=stored.tenant_id,
        key_id=stored.id,
        scope=stored.scope,
        rate_limit_per_minute=stored.rate_limit_per_minute,
        rate_limits=stored.rate_limits,
        allowed_ips=stored.allowed_ips,
    )


def key_id_of(bearer_token: str | None) -> str | None:
    """The key id a bearer token claims, if it has the shape of a key."""
    parsed = parse_key(bearer_token) if bearer_token else None
    return parsed[0] if parsed else None


def authorize(principal: Principal, required: Scope) -> Principal:
    if SCOPE_RANK[principal.scope] < SCOPE_RANK[required]:
        raise InsufficientScope(f"This endpoint needs a key with the '{required}' scope.")
    return principal
