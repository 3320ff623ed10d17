"""The pure rules of limits: which figure a window takes, which window binds, which routes are
bulk, which addresses a key's ranges admit."""

import pytest

from kb.errors import IpNotAllowed, KeyRevoked
from kb.keys.models import CreateKeyRequest, Plan, Principal, RateLimits, UpdateKeyRequest, tier_plan
from kb.keys.plans import check_source_address, resolve_limits
from kb.keys.service import issue_key, parse_key, revoke_key, update_key
from kb.ratelimit import Limits, RateLimitWindow, binding, is_bulk
from kb.settings import Settings
from tests.unit.test_keys import InMemoryKeys

SETTINGS = Settings.model_validate({"TABLE_NAME": "t", "BUCKET_NAME": "b"})


def principal(**fields) -> Principal:
    return Principal(tenant_id="ten_1", key_id="k", scope="read", **fields)


def test_each_window_takes_the_keys_figure_then_the_plans_then_the_deployments():
    key = principal(rate_limits=RateLimits(per_hour=7))
    plan = Plan(rate_limits=RateLimits(per_minute=50, per_hour=500))
    assert resolve_limits(key, plan, SETTINGS) == Limits(minute=50, hour=7, day=10_000, bulk=10)


def test_the_older_per_minute_figure_still_sets_the_minute():
    assert resolve_limits(principal(rate_limit_per_minute=3), Plan(), SETTINGS).minute == 3


def test_a_tier_writes_its_figures_out():
    plan = tier_plan("enterprise")
    assert resolve_limits(principal(), plan, SETTINGS) == Limits(minute=2_000, hour=60_000, day=1_000_000, bulk=200)


def window(name: str, remaining: int, reset_epoch: int) -> RateLimitWindow:
    return RateLimitWindow(limit=10, remaining=remaining, reset_epoch=reset_epoch, reset_seconds=1, window=name)


def test_the_window_with_the_least_remaining_binds_and_a_tie_goes_to_the_longer_wait():
    assert binding([window("minute", 5, 60), window("hour", 3, 3600)]).window == "hour"
    assert binding([window("minute", 0, 60), window("day", 0, 86400)]).window == "day"


@pytest.mark.parametrize(
    ("method", "path", "bulk"),
    [
        ("POST", "/api/v1/sources/src_1/items/batch", True),
        ("POST", "/v1/sources/src_1/snapshots/snap_1/items", True),
        ("POST", "/api/v1/sources/src_1/imports", True),
        ("POST", "/api/v1/sources/src_1/files", True),
        ("POST", "/api/v1/sources/src_1/files/uploads", True),
        ("POST", "/api/v1/sources/src_1/items", False),
        ("GET", "/api/v1/sources/src_1/imports", False),
        ("POST", "/api/v1/sources/src_1/imports/imp_1/start", False),
    ],
)
def test_bulk_routes(method, path, bulk):
    assert is_bulk(method, path) is bulk


@pytest.mark.parametrize(
    ("ranges", "address", "allowed"),
    [
        (None, "203.0.113.9", True),
        (["203.0.113.0/24"], "203.0.113.9", True),
        (["203.0.113.0/24"], "::ffff:203.0.113.9", True),  # IPv4-mapped: judged as IPv4
        (["203.0.113.0/24"], "198.51.100.1", False),
        (["2001:db8::/32"], "2001:db8::1", True),
        (["2001:db8::/32"], "2001:db9::1", False),
        (["2001:db8::/32"], None, False),
        (["2001:db8::/32"], "not an address", False),
    ],
)
def test_source_ranges(ranges, address, allowed):
    key = principal(allowed_ips=ranges)
    if allowed:
        check_source_address(key, address)
    else:
        with pytest.raises(IpNotAllowed):
            check_source_address(key, address)


def test_an_update_made_over_a_concurrent_revocation_is_refused_not_lost():
    # Given a key that is revoked between the update's read and its write
    repo = InMemoryKeys()
    secret = issue_key(repo, "ten_1", CreateKeyRequest(name="k", scope="read")).secret  # type: ignore[arg-type]
    key_id = parse_key(secret or "")[0]  # type: ignore[index]
    repo.before_next_write = lambda: revoke_key(repo, "ten_1", key_id)  # type: ignore[arg-type]
    # When its ranges are updated / Then the update sees the revocation and refuses
    with pytest.raises(KeyRevoked):
        update_key(repo, "ten_1", key_id, UpdateKeyRequest(allowed_ips=["10.0.0.0/8"]))  # type: ignore[arg-type]
    assert repo.keys[key_id].status == "revoked" and repo.keys[key_id].allowed_ips is None


def test_new_windows_replace_the_older_per_minute_figure():
    repo = InMemoryKeys()
    secret = issue_key(repo, "ten_1", CreateKeyRequest(name="k", rate_limit_per_minute=5)).secret  # type: ignore[arg-type]
    key_id = parse_key(secret or "")[0]  # type: ignore[index]
    updated = update_key(repo, "ten_1", key_id, UpdateKeyRequest(rate_limits=RateLimits(per_hour=9)))  # type: ignore[arg-type]
    assert (updated.rate_limit_per_minute, updated.rate_limits) == (None, RateLimits(per_hour=9))
