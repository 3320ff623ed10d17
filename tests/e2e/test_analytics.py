"""Analytics over HTTP: exact counters under parallel requests, the query log's modes and
filters, feedback bound to the tenant, and docs/analytics.md's worked example.

A request is recorded just after its response has been sent, so a report read at once may not
have it yet: tests read reports until they show what is expected, within a deadline, then assert
exactly (a wrong count fails, after the deadline, with the count it showed)."""

import re
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from tests.helpers import ROOT


@pytest.fixture
def admin(table) -> str:
    """The admin key of a new tenant: its analytics hold only what the test did."""
    secret = bootstrap_tenant(KeyRepository(table), "analytics").secret
    assert secret is not None
    return secret


RECORDED_SECONDS = 20  # the deadline for what a request recorded after its response to show


def usage(api, key: str, **params: str) -> dict:
    reply = api.call("GET", "/v1/analytics/usage", key, params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()


def eventually(read: Callable[[], Any], shows: Callable[[Any], bool]) -> Any:
    """read() until shows(what it read), or the deadline: the last reading either way."""
    deadline = time.monotonic() + RECORDED_SECONDS
    while True:
        reading = read()
        if shows(reading) or time.monotonic() > deadline:
            return reading
        time.sleep(0.1)


def queries(api, key: str, query: str) -> list[dict]:
    reply = api.call("GET", f"/v1/analytics/queries?{query}", key)
    assert reply.status_code == 200, reply.text
    return reply.json()["queries"]


def test_parallel_requests_are_counted_exactly(api, admin):
    # Given 60 requests of a read key sent 12 at a time (several workers of the function count into
    # one item), 5 of them for a source that does not exist
    created = api.call("POST", "/v1/admin/keys", admin, {"name": "reader", "scope": "read"})
    reader, reader_id = created.json()["secret"], created.json()["key"]["id"]
    paths = ["/v1/sources"] * 55 + ["/v1/sources/src_missing"] * 5
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(lambda path: api.call("GET", path, reader).status_code, paths))
    assert statuses.count(404) >= 5 and statuses[55:] == [404] * 5, statuses
    # When the tenant's usage is read, by key, once the reader's requests are in (the admin's
    # own reads are counted under its own key)
    report = eventually(
        lambda: usage(api, admin, groupBy="key", granularity="day"),
        lambda r: sum(b["requests"]["total"] for b in r["buckets"] if b["keyId"] == reader_id) >= 60,
    )
    # Then each was counted exactly once, under its route and the status class it was answered
    endpoints = report["totals"]["byEndpoint"]
    for path, route in (("/v1/sources", "GET /v1/sources"), ("/v1/sources/src_missing", "GET /v1/sources/{sourceId}")):
        answered = [status for p, status in zip(paths, statuses, strict=True) if p == path]
        classes = {f"{c}xx": sum(1 for s in answered if s // 100 == c) for c in (2, 3, 4, 5)}
        assert endpoints[route] == {"total": len(answered), **classes}, (route, answered)
    assert [b["requests"]["total"] for b in report["buckets"] if b["keyId"] == reader_id] == [60]
    # And the performance report has their latency percentiles and error rate from the histograms
    performance = api.call("GET", "/v1/analytics/performance", admin).json()
    listing = next(e for e in performance["endpoints"] if e["endpoint"] == "GET /v1/sources/{sourceId}")
    assert (listing["requests"], listing["clientErrors"], listing["errorRate"]) == (5, 5, 0.0)
    latency = listing["latencyMs"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"]


def test_redacted_logging_keeps_a_hash_not_the_text_and_off_keeps_nothing(api, admin):
    # Given a tenant whose query logging is redacted (before any of its requests read the setting)
    changed = api.call("PATCH", "/v1/analytics/settings", admin, {"queryLogging": "redacted", "retentionDays": 7})
    assert changed.json()["settings"] == {"queryLogging": "redacted", "retentionDays": 7}
    # When it searches the same words twice, differently spaced
    for text in ("Where is my parcel", "where is  my parcel"):
        assert api.call("POST", "/v1/search", admin, {"query": text, "mode": "keyword"}).status_code == 200
    # Then the log holds both, without text or filters, with equal hashes and zero results
    entries = eventually(lambda: queries(api, admin, "zeroResults=true"), lambda found: len(found) >= 2)
    assert [(e["kind"], e.get("text"), e["resultCount"], e["found"]) for e in entries] == [
        ("search", None, 0, False)
    ] * 2
    assert entries[0]["textHash"] == entries[1]["textHash"] and len(entries[0]["textHash"]) == 32
    assert api.call("GET", "/v1/analytics/queries?zeroResults=false", admin).json()["queries"] == []


def test_feedback_is_refused_for_another_tenants_answer(api, admin, other_tenant_admin):
    # Given a chat answered in one tenant
    chat = api.call("POST", "/v1/chats", admin, {"message": "How do refunds work?"}).json()
    target = {"chatId": chat["chat"]["id"], "messageId": chat["message"]["id"], "rating": "down"}
    # When another tenant rates it / Then it is not found there
    assert api.call("POST", "/v1/feedback", other_tenant_admin, target).json()["code"] == "not_found"
    # And the owner's ratings are counted once, a second rating replacing the first
    first = api.call("POST", "/v1/feedback", admin, target)
    second = api.call("POST", "/v1/feedback", admin, {**target, "rating": "up", "comment": "On reflection, fine"})
    assert (first.status_code, second.json()["feedback"]["replaced"]) == (200, "down")
    expected = (1, 0, 1)
    counted = eventually(
        lambda: (lambda t: (t["ratingsUp"], t["ratingsDown"], t["chatMessages"]))(usage(api, admin)["totals"]),
        lambda seen: seen == expected,
    )
    assert counted == expected
    logged = api.call("GET", "/v1/analytics/queries?kind=chat", admin).json()["queries"]
    assert [(e["id"], e["rating"], e["comment"]) for e in logged] == [
        (target["messageId"], "up", "On reflection, fine")
    ]
    # And a query id the tenant never logged is not found
    unknown = api.call("POST", "/v1/feedback", admin, {"queryId": "qry_0000000000000000000", "rating": "up"})
    assert unknown.status_code == 404


def test_the_worked_example_in_docs_analytics_md_runs(api, admin):
    # Given the bash block of docs/analytics.md and the outputs it shows (# → lines)
    text = (ROOT / "docs" / "analytics.md").read_text()
    script = "\n".join(re.findall(r"```bash\n(.*?)```", text, flags=re.S))
    expected = [line.removeprefix("# → ") for line in script.splitlines() if line.startswith("# → ")]
    # When it runs against the stack with a new tenant's admin key
    env = {"CHATBOT_API": api.url, "CHATBOT_ADMIN": admin, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    # Then it prints exactly what the page says
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert done.stdout.splitlines() == expected


def test_a_streamed_answer_is_logged_when_it_ends_and_can_be_rated(api, admin):
    # Given a question answered as a stream (through the HTTP API, which buffers it)
    reply = api.call("POST", "/v1/query", admin, {"query": "How do I reset my password?", "stream": True})
    assert reply.status_code == 200 and "event: done" in reply.text
    query_id = re.search(r'"queryId": "(qry_[0-9a-f]+)"', reply.text).group(1)  # type: ignore[union-attr]
    # When the query log is read / Then it holds the answer under the id the stream gave
    logged = api.call("GET", "/v1/analytics/queries?kind=query", admin).json()["queries"]
    assert [(e["id"], e["text"], e["found"]) for e in logged] == [(query_id, "How do I reset my password?", False)]
    # And that id can be rated
    rated = api.call("POST", "/v1/feedback", admin, {"queryId": query_id, "rating": "down"})
    feedback = rated.json()["feedback"]
    assert (rated.status_code, feedback["kind"], feedback["targetId"], feedback["rating"]) == (
        200,
        "query",
        query_id,
        "down",
    )


def test_a_request_is_recorded_after_its_response(api, admin):
    # Given a tenant that has searched nothing
    assert usage(api, admin)["totals"]["searches"] == 0
    # When it searches once and has its answer
    assert api.call("POST", "/v1/search", admin, {"query": "parcel", "mode": "keyword"}).status_code == 200
    # Then the search shows in its counters and its query log soon after, exactly once
    totals = eventually(lambda: usage(api, admin)["totals"], lambda t: t["searches"] >= 1)
    assert (totals["searches"], totals["byEndpoint"]["POST /v1/search"]["total"]) == (1, 1)
    assert [e["text"] for e in eventually(lambda: queries(api, admin, "kind=search"), bool)] == ["parcel"]
