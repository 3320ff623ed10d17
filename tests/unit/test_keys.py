from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from kb.errors import (
    InsufficientScope,
    InvalidKey,
    KeyExpired,
    KeyRevoked,
    PlanLimitExceeded,
    Unauthorized,
    ValidationFailed,
)
from kb.keys import service
from kb.keys.models import CreateKeyRequest, Plan, StoredApiKey, Tenant
from kb.keys.repository import KeyChanged, KeyLimitReached
from kb.keys.service import authenticate, authorize, hash_secret, issue_key, parse_key, revoke_key, rotate_key


class InMemoryKeys:
    """The repository's interface and conditions over dicts: these tests are about the service's rules."""

    def __init__(self, plan: Plan | None = None) -> None:
        self.keys: dict[str, StoredApiKey] = {}
        self.tenants: dict[str, Tenant] = {}
        if plan is not None:
            self.create_tenant(Tenant(id="ten_1", name="t", created_at="2026-01-01T00:00:00Z", plan=plan))
        # Runs once, between the service's read and its write: a concurrent writer.
        self.before_next_write: Callable[[], object] | None = None

    def create_tenant(self, tenant: Tenant) -> None:
        self.tenants[tenant.id] = tenant

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def _count(self, tenant_id: str, delta: int) -> None:
        tenant = self.tenants.setdefault(tenant_id, Tenant(id=tenant_id, name="t", created_at="2026-01-01T00:00:00Z"))
        self.tenants[tenant_id] = tenant.model_copy(update={"key_count": tenant.key_count + delta})

    def create(self, key: StoredApiKey, max_keys: int) -> StoredApiKey:
        tenant = self.tenants.get(key.tenant_id)
        if tenant is not None and tenant.key_count >= max_keys:
            raise KeyLimitReached()
        self._count(key.tenant_id, +1)
        self.keys[key.id] = key.model_copy(update={"version": 1})
        return self.keys[key.id]

    def get(self, key_id: str) -> StoredApiKey | None:
        return self.keys.get(key_id)

    def replace(self, key: StoredApiKey) -> StoredApiKey:
        self._interleave()
        if self.keys[key.id].version != key.version:
            raise KeyChanged()
        self.keys[key.id] = key.model_copy(update={"version": key.version + 1})
        return self.keys[key.id]

    def revoke(self, key: StoredApiKey) -> StoredApiKey:
        written = self.replace(key)
        self._count(key.tenant_id, -1)
        return written

    def _interleave(self) -> None:
        concurrent, self.before_next_write = self.before_next_write, None
        if concurrent is not None:
            concurrent()


def writer(repo: InMemoryKeys, **fields) -> str:
    secret = issue_key(repo, "ten_1", CreateKeyRequest(name="ci", scope="write", **fields)).secret  # type: ignore[arg-type]
    assert secret is not None
    return secret


def test_an_issued_key_has_the_documented_shape_and_only_its_hash_is_stored():
    repo = InMemoryKeys()
    secret = writer(repo)
    parsed = parse_key(secret)
    assert parsed is not None
    stored = repo.keys[parsed[0]]
    assert stored.secret_hash == hash_secret(parsed[1])
    assert parsed[1] not in stored.model_dump_json()


def test_a_valid_key_authenticates_to_its_tenant_with_its_scope():
    repo = InMemoryKeys()
    principal = authenticate(repo, writer(repo))  # type: ignore[arg-type]
    assert (principal.tenant_id, principal.scope) == ("ten_1", "write")


def test_no_token_is_unauthorized():
    with pytest.raises(Unauthorized):
        authenticate(InMemoryKeys(), None)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["garbage", "sk_live_zz_short", "sk_live_0123456789abcdef_" + "a" * 40])
def test_a_malformed_or_unknown_key_is_invalid(token):
    with pytest.raises(InvalidKey):
        authenticate(InMemoryKeys(), token)  # type: ignore[arg-type]


def test_a_wrong_secret_for_a_real_key_id_is_invalid():
    repo = InMemoryKeys()
    secret = writer(repo)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidKey):
        authenticate(repo, forged)  # type: ignore[arg-type]


def test_scopes_are_ordered_read_write_admin():
    repo = InMemoryKeys()
    principal = authenticate(repo, writer(repo))  # type: ignore[arg-type]
    assert authorize(principal, "read") is principal
    with pytest.raises(InsufficientScope):
        authorize(principal, "admin")


def test_a_key_past_its_expiry_is_expired():
    repo = InMemoryKeys()
    expires = datetime.now(UTC) + timedelta(minutes=5)
    secret = writer(repo, expires_at=expires)
    with pytest.raises(KeyExpired):
        authenticate(repo, secret, lambda _key_id: lambda: expires)  # type: ignore[arg-type]


@pytest.mark.parametrize("ago", [timedelta(seconds=1), timedelta(days=400)])
def test_a_key_cannot_be_created_already_expired(ago):
    # Given an expiry in the past / When a key is created with it / Then it is a validation error on expiresAt
    repo = InMemoryKeys()
    with pytest.raises(ValidationFailed, match=r"^expiresAt:"):
        writer(repo, expires_at=datetime.now(UTC) - ago)
    assert repo.keys == {}


def test_an_expiry_without_an_offset_is_taken_as_utc():
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    request = CreateKeyRequest(name="a", scope="read", expires_at=datetime(2026, 5, 1, 12, 30))
    created = issue_key(InMemoryKeys(), "ten_1", request, now=now)  # type: ignore[arg-type]
    assert created.key.expires_at == "2026-05-01T12:30:00.000Z"


def test_after_rotation_both_secrets_work_during_the_overlap():
    repo = InMemoryKeys()
    old = writer(repo)
    key_id = parse_key(old)[0]  # type: ignore[index]
    new = rotate_key(repo, "ten_1", key_id, overlap_seconds=3600).secret  # type: ignore[arg-type]
    assert authenticate(repo, old).key_id == authenticate(repo, new).key_id == key_id  # type: ignore[arg-type]


def test_after_the_overlap_the_old_secret_is_expired_and_the_new_one_works():
    repo = InMemoryKeys()
    old = writer(repo)
    key_id = parse_key(old)[0]  # type: ignore[index]
    rotated_at = datetime.now(UTC)
    new = rotate_key(repo, "ten_1", key_id, overlap_seconds=60, now=rotated_at).secret  # type: ignore[arg-type]
    with pytest.raises(KeyExpired):
        authenticate(repo, old, lambda _key_id: lambda: rotated_at + timedelta(seconds=60))  # type: ignore[arg-type]
    assert authenticate(repo, new).key_id == key_id  # type: ignore[arg-type]


def test_a_revoked_key_is_revoked_but_only_to_someone_holding_its_secret():
    repo = InMemoryKeys()
    secret = writer(repo)
    key_id = parse_key(secret)[0]  # type: ignore[index]
    revoke_key(repo, "ten_1", key_id)  # type: ignore[arg-type]
    with pytest.raises(KeyRevoked):
        authenticate(repo, secret)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey):
        authenticate(repo, f"sk_live_{key_id}_" + "x" * 43)  # type: ignore[arg-type]


def test_a_fixed_key_must_have_the_documented_shape():
    with pytest.raises(InvalidKey):
        issue_key(InMemoryKeys(), "ten_1", CreateKeyRequest(name="a", scope="admin"), full_key="nope")  # type: ignore[arg-type]


def test_a_rotation_that_loses_to_a_revocation_does_not_undo_it():
    # Given a rotation that read the key just before a revocation was written
    repo = InMemoryKeys()
    secret = writer(repo)
    key_id = parse_key(secret)[0]  # type: ignore[index]
    repo.before_next_write = lambda: revoke_key(repo, "ten_1", key_id)  # type: ignore[arg-type]
    # When the rotation writes / Then it re-reads, finds the key revoked and refuses
    with pytest.raises(KeyRevoked):
        rotate_key(repo, "ten_1", key_id, overlap_seconds=3600)  # type: ignore[arg-type]
    assert repo.keys[key_id].status == "revoked"
    with pytest.raises(KeyRevoked):
        authenticate(repo, secret)  # type: ignore[arg-type]


def test_a_revocation_that_loses_to_a_rotation_revokes_the_rotated_key():
    # Given a revocation that read the key just before a rotation was written
    repo = InMemoryKeys()
    old = writer(repo)
    key_id = parse_key(old)[0]  # type: ignore[index]
    rotated: list[str] = []

    def rotate() -> None:
        rotated.append(rotate_key(repo, "ten_1", key_id, overlap_seconds=3600).secret)  # type: ignore[arg-type]

    repo.before_next_write = rotate
    # When the revocation writes / Then both the old and the new secret are revoked
    revoke_key(repo, "ten_1", key_id)  # type: ignore[arg-type]
    for secret in (old, rotated[0]):
        with pytest.raises(KeyRevoked):
            authenticate(repo, secret)  # type: ignore[arg-type]


def test_a_rate_limit_above_the_plan_is_plan_limit_exceeded():
    repo = InMemoryKeys(Plan(max_rate_limit_per_minute=500))
    with pytest.raises(PlanLimitExceeded, match="rateLimitPerMinute"):
        writer(repo, rate_limit_per_minute=501)
    assert parse_key(writer(repo, rate_limit_per_minute=500)) is not None


def test_keys_beyond_the_plan_are_plan_limit_exceeded_until_one_is_revoked():
    # Given a plan of two keys, both used
    repo = InMemoryKeys(Plan(max_keys=2))
    first = writer(repo)
    writer(repo)
    # When a third is created / Then it is refused; after a revocation there is room again
    with pytest.raises(PlanLimitExceeded):
        writer(repo)
    revoke_key(repo, "ten_1", parse_key(first)[0])  # type: ignore[arg-type,index]
    assert parse_key(writer(repo)) is not None
    assert repo.tenants["ten_1"].key_count == 2


class CountingComparisons:
    def __init__(self) -> None:
        self.lengths: list[tuple[int, int]] = []

    def compare_digest(self, a: str, b: str) -> bool:
        self.lengths.append((len(a), len(b)))
        return a == b


def test_an_unknown_key_id_costs_the_same_comparisons_as_a_wrong_secret(monkeypatch):
    # Given a real key id with a wrong secret, and an unknown key id
    repo = InMemoryKeys()
    key_id = parse_key(writer(repo))[0]  # type: ignore[index]
    wrong_secret, unknown_id = f"sk_live_{key_id}_" + "w" * 43, "sk_live_0123456789abcdef_" + "w" * 43
    costs = []
    for token in (wrong_secret, unknown_id):
        comparisons = CountingComparisons()
        monkeypatch.setattr(service, "hmac", comparisons)
        # When each authenticates / Then both fail the same way after the same constant-time comparisons
        with pytest.raises(InvalidKey):
            authenticate(repo, token)  # type: ignore[arg-type]
        costs.append(comparisons.lengths)
    assert costs[0] == costs[1] == [(64, 64), (64, 64)]
