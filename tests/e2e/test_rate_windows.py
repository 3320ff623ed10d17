"""Rate limits in several windows (minute, hour, day, bulk minute), per key and per plan: the
headers describe the window that binds; counts stay exact when a window rolls over under load.
Keys' clocks are pinned (local/controls.py), never waited on."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from kb.keys.models import Plan, PlanTier, RateLimits, tier_plan
from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant


def next_hour() -> datetime:
    """The start of an hour still to come: no other request of the key falls in it."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)


def key_with(api, admin: str, **limits) -> tuple[str, str]:
    reply = api.call("POST", "/v1/admin/keys", admin, {"name": "windows", "scope": "write", "rateLimits": limits})
    assert reply.status_code == 201, reply.text
    return reply.json()["key"]["id"], reply.json()["secret"]


def statuses(api, key: str, n: int, path: str = "/v1/sources") -> list[int]:
    return [api.call("GET", path, key).status_code for _ in range(n)]


def test_once_its_minutes_are_spent_the_hour_window_refuses_until_the_hour_ends(api, controls):
    # Given a key allowed 3 a minute and 5 an hour
    key_id, key = key_with(api, api.admin_key, perMinute=3, perHour=5)
    hour = next_hour()
    # When it spends its first minute
    controls.pin_key_clock(key_id, hour + timedelta(minutes=10, seconds=30))
    first = [api.call("GET", "/v1/sources", key) for _ in range(4)]
    # Then the minute refuses the 4th, for the 30 s left of that minute
    assert [r.status_code for r in first] == [200, 200, 200, 429]
    assert (first[3].headers["X-RateLimit-Window"], first[3].headers["Retry-After"]) == ("minute", "30")
    # When a minute later it spends 2 more, and asks a 3rd time
    controls.pin_key_clock(key_id, hour + timedelta(minutes=11, seconds=30))
    second = [api.call("GET", "/v1/sources", key) for _ in range(3)]
    # Then the hour refuses it, until the hour ends (48 min 30 s)
    assert [r.status_code for r in second] == [200, 200, 429]
    assert second[2].headers["X-RateLimit-Window"] == "hour"
    assert second[2].headers["Retry-After"] == str(3600 - 11 * 60 - 30)
    assert second[2].json()["code"] == "rate_limited"
    assert "5 per hour" in second[2].json()["error"]
    # And in the next hour it is served again
    controls.pin_key_clock(key_id, hour + timedelta(hours=1, seconds=5))
    assert statuses(api, key, 1) == [200]


def test_the_day_window_refuses_until_midnight_utc(api, controls):
    key_id, key = key_with(api, api.admin_key, perDay=2)
    day = next_hour().replace(hour=0) + timedelta(days=1)
    controls.pin_key_clock(key_id, day + timedelta(hours=10))
    replies = [api.call("GET", "/v1/sources", key) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert (replies[2].headers["X-RateLimit-Window"], replies[2].headers["Retry-After"]) == ("day", str(14 * 3600))
    controls.pin_key_clock(key_id, day + timedelta(days=1, seconds=1))
    assert statuses(api, key, 1) == [200]


def test_the_headers_describe_the_window_with_the_least_remaining(api, controls):
    # Given keys whose hour, or whose minute, is the tighter window
    hour_bound_id, hour_bound = key_with(api, api.admin_key, perMinute=50, perHour=4)
    minute_bound_id, minute_bound = key_with(api, api.admin_key, perMinute=2, perHour=100)
    for key_id in (hour_bound_id, minute_bound_id):
        controls.pin_key_clock(key_id, next_hour() + timedelta(minutes=5))
    # When each makes a request / Then its headers are those of its tighter window
    by_hour = api.call("GET", "/v1/sources", hour_bound).headers
    assert (by_hour["X-RateLimit-Window"], by_hour["X-RateLimit-Limit"], by_hour["X-RateLimit-Remaining"]) == (
        "hour",
        "4",
        "3",
    )
    assert by_hour["RateLimit-Policy"] == '"hour";q=4;w=3600'
    assert by_hour["RateLimit"] == '"hour";r=3;t=3300'
    by_minute = api.call("GET", "/v1/sources", minute_bound).headers
    assert (by_minute["X-RateLimit-Window"], by_minute["X-RateLimit-Remaining"]) == ("minute", "1")
    assert by_minute["RateLimit"] == '"minute";r=1;t=60'


def test_bulk_requests_have_a_window_of_their_own(api, controls, source_id):
    # Given a key allowed 2 bulk requests a minute (and plenty of others)
    key_id, key = key_with(api, api.admin_key, perMinute=50, bulkPerMinute=2)
    controls.pin_key_clock(key_id, next_hour() + timedelta(seconds=30))
    batch = {"items": [{"externalItemId": "a", "content": "x"}]}
    # When it sends three batches
    replies = [api.call("POST", f"/v1/sources/{source_id}/items/batch", key, batch) for _ in range(3)]
    # Then the third is refused by the bulk window, and an ordinary request still goes through
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert replies[2].headers["X-RateLimit-Window"] == "bulk"
    assert "2 per minute of bulk requests" in replies[2].json()["error"]
    assert replies[1].headers["X-RateLimit-Window"] == "bulk"  # 0 left of 2: it binds
    ordinary = api.call("POST", f"/v1/sources/{source_id}/items", key, {"externalItemId": "b", "content": "y"})
    assert ordinary.status_code == 201
    assert ordinary.headers["X-RateLimit-Window"] == "minute"


def test_of_concurrent_first_requests_of_a_new_minute_exactly_the_limit_succeed(api, controls):
    # Given a key allowed 5 a minute that used up one minute
    key_id, key = key_with(api, api.admin_key, perMinute=5)
    minute = next_hour() + timedelta(minutes=20)
    controls.pin_key_clock(key_id, minute + timedelta(seconds=1))
    assert statuses(api, key, 6) == [200] * 5 + [429]
    # When twelve requests race into the next minute (each may be the one that starts it)
    controls.pin_key_clock(key_id, minute + timedelta(minutes=1, seconds=1))
    with ThreadPoolExecutor(12) as pool:
        raced = list(pool.map(lambda _: api.call("GET", "/v1/sources", key).status_code, range(12)))
    # Then exactly five are served
    assert sorted(raced) == [200] * 5 + [429] * 7


def tenant_admin(table, plan: Plan) -> str:
    secret = bootstrap_tenant(KeyRepository(table), "plan tenant", plan=plan).secret
    assert secret is not None
    return secret


def test_a_keys_windows_default_to_its_tenants_plan(api, table):
    # Given tenants on each plan (seed: 100, 500 and 2,000 a minute)
    tiers: list[tuple[PlanTier, str]] = [("standard", "100"), ("premium", "500"), ("enterprise", "2000")]
    for tier, per_minute in tiers:
        admin = tenant_admin(table, tier_plan(tier))
        # When a key with no figures of its own makes a request
        reply = api.call("GET", "/v1/admin/keys", admin)
        # Then its minute window is its plan's
        assert reply.status_code == 200
        assert (reply.headers["X-RateLimit-Window"], reply.headers["X-RateLimit-Limit"]) == ("minute", per_minute)


def test_a_keys_own_figure_overrides_its_plans_for_that_window_only(api, table, controls):
    admin = tenant_admin(table, tier_plan("standard"))
    key_id, key = key_with(api, admin, perHour=2)
    controls.pin_key_clock(key_id, next_hour() + timedelta(minutes=1))
    replies = [api.call("GET", "/v1/sources", key) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert replies[2].headers["X-RateLimit-Window"] == "hour"


def test_a_key_cannot_be_given_more_a_minute_than_its_plan_allows(api, table):
    admin = tenant_admin(table, Plan(max_rate_limit_per_minute=100, rate_limits=RateLimits(per_minute=50)))
    reply = api.call("POST", "/v1/admin/keys", admin, {"name": "k", "rateLimits": {"perMinute": 101}})
    assert (reply.status_code, reply.json()["code"]) == (409, "plan_limit_exceeded")
    assert "100" in reply.json()["error"]


def test_the_worked_example_of_docs_limits(api, controls):
    # docs/limits.md "Worked example": 5 a minute, 3 an hour, four requests 5 minutes into an hour
    created = api.call(
        "POST",
        "/v1/admin/keys",
        api.admin_key,
        {"name": "paced", "scope": "read", "rateLimits": {"perMinute": 5, "perHour": 3}},
    )
    controls.pin_key_clock(created.json()["key"]["id"], next_hour() + timedelta(minutes=5))
    replies = [api.call("GET", "/v1/sources", created.json()["secret"]) for _ in range(4)]
    shown = [
        (r.status_code, r.headers["X-RateLimit-Window"], r.headers["X-RateLimit-Remaining"], r.headers["RateLimit"])
        for r in replies
    ]
    assert shown == [
        (200, "hour", "2", '"hour";r=2;t=3300'),
        (200, "hour", "1", '"hour";r=1;t=3300'),
        (200, "hour", "0", '"hour";r=0;t=3300'),
        (429, "hour", "0", '"hour";r=0;t=3300'),
    ]
    assert replies[3].headers["Retry-After"] == "3300"
    assert replies[3].json() == {
        "error": "Too many requests: the key's 3 per hour are used up.",
        "code": "rate_limited",
    }
