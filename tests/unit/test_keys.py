from datetime import UTC, datetime, timedelta

import pytest

from kb.errors import InsufficientScope, InvalidKey, KeyExpired, KeyRevoked, Unauthorized
from kb.keys.models import CreateKeyRequest, StoredApiKey
from kb.keys.repository import KeyChanged
from kb.keys.service import authenticate, authorize, hash_secret, issue_key, parse_key, revoke_key, rotate_key


class InMemoryKeys:
    """The repository's interface over a dict: these tests are about the service's rules."""

    def __init__(self) -> None:
        self.keys: dict[str, StoredApiKey] = {}

    def create(self, key: StoredApiKey) -> None:
        self.keys[key.id] = key

    def get(self, key_id: str) -> StoredApiKey | None:
        return self.keys.get(key_id)

    def replace(self, key: StoredApiKey, expected_secret_hash: str) -> None:
        if self.keys[key.id].secret_hash != expected_secret_hash:
            raise KeyChanged()
        self.keys[key.id] = key


def writer(repo: InMemoryKeys, **fields) -> str:
    return issue_key(repo, "ten_1", CreateKeyRequest(name="ci", scope="write", **fields)).secret  # type: ignore[arg-type]


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
    secret = writer(repo, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(KeyExpired):
        authenticate(repo, secret)  # type: ignore[arg-type]


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
    new = rotate_key(repo, "ten_1", key_id, overlap_seconds=0).secret  # type: ignore[arg-type]
    with pytest.raises(KeyExpired):
        authenticate(repo, old)  # type: ignore[arg-type]
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
