"""Per-key rate limits: headers on every response, 429 with Retry-After, exact under concurrency."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta


def key_with_limit(api, controls, limit):
    """A key whose clock stands still 30 s into a coming minute: however slow the machine, all
    its requests fall in that one window."""
    reply = api.call(
        "POST", "/v1/admin/keys", api.admin_key, {"name": "limited", "scope": "write", "rateLimitPerMinute": limit}
    )
    minute = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    controls.pin_key_clock(reply.json()["key"]["id"], minute + timedelta(seconds=30))
    return reply.json()["secret"]


def test_every_response_carries_the_rate_limit_headers(api, controls):
    key = key_with_limit(api, controls, 50)
    ok = api.call("GET", "/v1/sources", key)
    missing = api.call("GET", "/v1/sources/src_none", key)
    for reply in (ok, missing):
        assert reply.headers["X-RateLimit-Limit"] == "50"
        assert 0 <= int(reply.headers["X-RateLimit-Remaining"]) < 50
        assert int(reply.headers["X-RateLimit-Reset"]) > time.time()
        assert reply.headers["X-RateLimit-Window"] == "minute"
        assert reply.headers["RateLimit-Policy"] == '"minute";q=50;w=60'
        assert reply.headers["RateLimit"].startswith('"minute";r=')


def test_over_the_limit_is_429_rate_limited_with_retry_after(api, controls):
    key = key_with_limit(api, controls, 2)
    replies = [api.call("GET", "/v1/sources", key) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert replies[2].json() == {"error": "Too many requests. Please slow down.", "code": "rate_limited"}
    assert replies[2].headers["Retry-After"] == "30"
    assert replies[2].headers["X-RateLimit-Remaining"] == "0"


def test_of_concurrent_requests_in_one_window_exactly_the_limit_succeed(api, controls):
    key = key_with_limit(api, controls, 7)
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: api.call("GET", "/v1/sources", key).status_code, range(20)))
    assert statuses.count(200) == 7
    assert statuses.count(429) == 13


def test_limits_are_per_key(api, controls):
    first, second = key_with_limit(api, controls, 1), key_with_limit(api, controls, 1)
    assert api.call("GET", "/v1/sources", first).status_code == 200
    assert api.call("GET", "/v1/sources", first).status_code == 429
    assert api.call("GET", "/v1/sources", second).status_code == 200
