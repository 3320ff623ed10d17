import pytest

from kb.errors import InsufficientScope, InvalidKey, Unauthorized
from kb.keys.models import StoredApiKey
from kb.keys.service import authenticate, hash_secret, issue_key, parse_key


class InMemoryKeys:
    """The repository's interface over a dict: these tests are about the service's rules."""

    def __init__(self) -> None:
        self.keys: dict[str, StoredApiKey] = {}

    def create(self, key: StoredApiKey) -> None:
        self.keys[key.id] = key

    def get(self, key_id: str) -> StoredApiKey | None:
        return self.keys.get(key_id)


def test_an_issued_key_has_the_documented_shape_and_only_its_hash_is_stored():
    # Given a repository
    repo = InMemoryKeys()
    # When a key is issued
    created = issue_key(repo, "ten_1", "ci", "write")  # type: ignore[arg-type]
    # Then it reads sk_live_<16 hex>_<secret>, and the stored record holds a hash, not the secret
    parsed = parse_key(created.secret)
    assert parsed is not None and parsed[0] == created.key.id
    stored = repo.keys[created.key.id]
    assert stored.secret_hash == hash_secret(parsed[1])
    assert parsed[1] not in stored.model_dump_json()


def test_a_valid_key_authenticates_to_its_tenant():
    repo = InMemoryKeys()
    created = issue_key(repo, "ten_1", "ci", "write")  # type: ignore[arg-type]
    principal = authenticate(repo, created.secret, "read")  # type: ignore[arg-type]
    assert (principal.tenant_id, principal.key_id, principal.scope) == ("ten_1", created.key.id, "write")


def test_no_token_is_unauthorized():
    with pytest.raises(Unauthorized):
        authenticate(InMemoryKeys(), None, "read")  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["garbage", "sk_live_zz_short", "sk_live_0123456789abcdef_" + "a" * 40])
def test_a_malformed_or_unknown_key_is_invalid(token):
    with pytest.raises(InvalidKey):
        authenticate(InMemoryKeys(), token, "read")  # type: ignore[arg-type]


def test_a_wrong_secret_for_a_real_key_id_is_invalid():
    repo = InMemoryKeys()
    created = issue_key(repo, "ten_1", "ci", "write")  # type: ignore[arg-type]
    forged = created.secret[:-4] + ("AAAA" if not created.secret.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidKey):
        authenticate(repo, forged, "read")  # type: ignore[arg-type]


def test_a_write_key_lacks_the_admin_scope():
    repo = InMemoryKeys()
    created = issue_key(repo, "ten_1", "ci", "write")  # type: ignore[arg-type]
    with pytest.raises(InsufficientScope):
        authenticate(repo, created.secret, "admin")  # type: ignore[arg-type]


def test_a_fixed_key_must_have_the_documented_shape():
    with pytest.raises(InvalidKey):
        issue_key(InMemoryKeys(), "ten_1", "admin", "admin", full_key="not-a-key")  # type: ignore[arg-type]
