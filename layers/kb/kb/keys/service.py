"""API keys: issuing, hashing and authenticating. Only a SHA-256 of the secret is stored: the
secret is 256 random bits, so a slow password hash would add latency and no security."""

import hashlib
import hmac
import re
import secrets

from kb.errors import InsufficientScope, InvalidKey, Unauthorized
from kb.ids import iso_now, new_id
from kb.keys.models import SCOPE_RANK, ApiKey, CreatedKey, Principal, Scope, StoredApiKey
from kb.keys.repository import KeyRepository

KEY_PREFIX = "sk_live_"
_KEY_PATTERN = re.compile(r"^sk_live_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def parse_key(full_key: str) -> tuple[str, str] | None:
    match = _KEY_PATTERN.match(full_key)
    return (match.group(1), match.group(2)) if match else None


def issue_key(repo: KeyRepository, tenant_id: str, name: str, scope: Scope, full_key: str | None = None) -> CreatedKey:
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
        name=name,
        scope=scope,
        created_at=iso_now(),
        secret_hash=hash_secret(secret),
    )
    repo.create(stored)
    key = ApiKey.model_validate(stored.model_dump(exclude={"secret_hash"}))
    return CreatedKey(key=key, secret=format_key(key_id, secret))


def bootstrap_tenant(repo: KeyRepository, name: str, full_key: str | None = None) -> CreatedKey:
    """A new tenant and its first admin key, written straight to the table."""
    tenant_id = new_id("ten")
    repo.create_tenant(tenant_id, name, iso_now())
    return issue_key(repo, tenant_id, "bootstrap admin", "admin", full_key)


def authenticate(repo: KeyRepository, bearer_token: str | None, required: Scope) -> Principal:
    """`bearer_token` is None when the Authorization header is missing or not 'Bearer <token>'."""
    if not bearer_token:
        raise Unauthorized("Missing or malformed Authorization header; expected 'Bearer <key>'.")
    parsed = parse_key(bearer_token)
    if parsed is None:
        raise InvalidKey("The API key is not valid.")
    key_id, secret = parsed
    stored = repo.get(key_id)
    if stored is None or not hmac.compare_digest(stored.secret_hash, hash_secret(secret)):
        raise InvalidKey("The API key is not valid.")
    if SCOPE_RANK[stored.scope] < SCOPE_RANK[required]:
        raise InsufficientScope(f"This endpoint needs a key with the '{required}' scope.")
    return Principal(tenant_id=stored.tenant_id, key_id=stored.id, scope=stored.scope)
