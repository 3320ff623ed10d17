"""A tenant's plan bounds its keys: how many are not revoked (race-safe: a counter moved in the same
transaction as the key) and how high a key's rate limit may be set."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.keys.models import DEFAULT_MAX_RATE_LIMIT_PER_MINUTE, Plan
from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant


@pytest.fixture
def small_plan_admin(table) -> str:
    """The admin key of a new tenant whose plan allows 5 keys (the admin key is one of them)."""
    secret = bootstrap_tenant(KeyRepository(table), "small plan", plan=Plan(max_keys=5)).secret
    assert secret is not None
    return secret


def create(api, admin: str, **body):
    return api.call("POST", "/v1/admin/keys", admin, {"name": "k", "scope": "read", **body})


def test_a_rate_limit_above_the_plan_is_plan_limit_exceeded(api):
    reply = create(api, api.admin_key, rateLimitPerMinute=DEFAULT_MAX_RATE_LIMIT_PER_MINUTE + 1)
    assert (reply.status_code, reply.json()["code"]) == (409, "plan_limit_exceeded")
    assert "rateLimitPerMinute" in reply.json()["error"]
    assert create(api, api.admin_key, rateLimitPerMinute=DEFAULT_MAX_RATE_LIMIT_PER_MINUTE).status_code == 201


def test_of_concurrent_creations_exactly_the_plan_succeeds(api, small_plan_admin):
    # When twelve keys are created at once in a tenant with room for four more
    with ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda _: create(api, small_plan_admin), range(12)))
    # Then four are created and eight refused, and the tenant has five keys
    assert sorted(r.status_code for r in replies) == [201] * 4 + [409] * 8
    assert {r.json()["code"] for r in replies if r.status_code == 409} == {"plan_limit_exceeded"}
    assert len(api.call("GET", "/v1/admin/keys?limit=100", small_plan_admin).json()["keys"]) == 5


def test_a_revoked_key_frees_its_place_in_the_plan(api, small_plan_admin):
    # Given a tenant at its plan's limit
    created = [create(api, small_plan_admin) for _ in range(4)]
    assert [r.status_code for r in created] == [201] * 4
    assert create(api, small_plan_admin).status_code == 409
    # When a key is revoked / Then there is room for exactly one more
    revoked = api.call("DELETE", f"/v1/admin/keys/{created[0].json()['key']['id']}", small_plan_admin)
    assert revoked.status_code == 200
    assert create(api, small_plan_admin).status_code == 201
    assert create(api, small_plan_admin).status_code == 409
