"""API keys: issuing, rotating, revoking and authenticating. Only a SHA-256 of the secret is
stored: the secret is 256 random bits, so a slow password hash would add latency, not security."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from kb.errors import InsufficientScope, InvalidKey, KeyExpired, KeyRevoked, NotFound, Unauthorized
from kb.ids import Clock, iso_now, new_id, parse_iso, to_iso, utcnow
from kb.keys.models import (
    SCOPE_RANK,
    ApiKey,
    CreatedKey,
    CreateKeyRequest,
    KeyPage,
    Principal,
    Scope,
    StoredApiKey,
)
from kb.keys.repository import KeyChanged, KeyRepository

KEY_PREFIX = "sk_live_"
_KEY_PATTERN = re.compile(r"^sk_live_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$")
_MAX_ROTATE_ATTEMPTS = 5


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def parse_key(full_key: str) -> tuple[str, str] | None:
    match = _KEY_PATTERN.match(full_key)
    return (match.group(1), match.group(2)) if match else None


def issue_key(
    repo: KeyRepository, tenant_id: str, request: CreateKeyRequest, full_key: str | None = None
) -> CreatedKey:
    """Create a key. `full_key` lets an operator fix the key (the local stack's LOCAL_ADMIN_KEY)."""
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
        created_at=iso_now(),
        expires_at=to_iso(request.expires_at) if request.expires_at else None,
        rate_limit_per_minute=request.rate_limit_per_minute,
        secret_hash=hash_secret(secret),
    )
    repo.create(stored)
    return CreatedKey(key=stored.public(), secret=format_key(key_id, secret))


def bootstrap_tenant(repo: KeyRepository, name: str, full_key: str | None = None) -> CreatedKey:
    """A new tenant and its first admin key, written straight to the table."""
    tenant_id = new_id("ten")
    repo.create_tenant(tenant_id, name, iso_now())
    return issue_key(repo, tenant_id, CreateKeyRequest(name="bootstrap admin", scope="admin"), full_key)


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


def rotate_key(repo: KeyRepository, tenant_id: str, key_id: str, overlap_seconds: int) -> CreatedKey:
    """A new secret; the current one keeps working for `overlap_seconds`, then is key_expired."""
    for _ in range(_MAX_ROTATE_ATTEMPTS):
        stored = _own_key(repo, tenant_id, key_id)
        if stored.status == "revoked":
            raise KeyRevoked(f"Key {key_id} is revoked; it cannot be rotated.")
        secret, now = secrets.token_urlsafe(32), utcnow()
        rotated = stored.model_copy(
            update={
                "secret_hash": hash_secret(secret),
                "previous_secret_hash": stored.secret_hash,
                "previous_secret_expires_at": to_iso(now + timedelta(seconds=overlap_seconds)),
                "rotated_at": to_iso(now),
            }
        )
        try:
            repo.replace(rotated, expected_secret_hash=stored.secret_hash)
        except KeyChanged:
            continue  # rotated concurrently: rotate the newest secret
        return CreatedKey(key=rotated.public(), secret=format_key(key_id, secret))
    raise RuntimeError("the key kept changing under concurrent rotations")


def revoke_key(repo: KeyRepository, tenant_id: str, key_id: str) -> ApiKey:
    for _ in range(_MAX_ROTATE_ATTEMPTS):
        stored = _own_key(repo, tenant_id, key_id)
        if stored.status == "revoked":
            return stored.public()
        revoked = stored.model_copy(update={"status": "revoked", "revoked_at": iso_now()})
        try:
            repo.replace(revoked, expected_secret_hash=stored.secret_hash)
        except KeyChanged:
            continue
        return revoked.public()
    raise RuntimeError("the key kept changing under concurrent updates")


def authenticate(
    repo: KeyRepository, bearer_token: str | None, key_clock: Callable[[str], Clock] = lambda _key_id: utcnow
) -> Principal:
    """`bearer_token` is None when the Authorization header is missing or not 'Bearer <token>'.
    A key's state (revoked, expired) is told only to a caller who proved the secret; expiry is
    judged by `key_clock(keyId)`."""
    if not bearer_token:
        raise Unauthorized("Missing or malformed Authorization header; expected 'Bearer <key>'.")
    parsed = parse_key(bearer_token)
    if parsed is None:
        raise InvalidKey("The API key is not valid.")
    key_id, secret = parsed
    stored = repo.get(key_id)
    if stored is None:
        raise InvalidKey("The API key is not valid.")
    digest, now = hash_secret(secret), key_clock(key_id)()
    if not hmac.compare_digest(stored.secret_hash, digest):
        previous = stored.previous_secret_hash
        if previous is None or not hmac.compare_digest(previous, digest):
            raise InvalidKey("The API key is not valid.")
        if stored.previous_secret_expires_at and now >= parse_iso(stored.previous_secret_expires_at):
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
    )


def authorize(principal: Principal, required: Scope) -> Principal:
    if SCOPE_RANK[principal.scope] < SCOPE_RANK[required]:
        raise InsufficientScope(f"This endpoint needs a key with the '{required}' scope.")
    return principal
