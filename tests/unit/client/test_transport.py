"""The SDK's HTTP behaviour on its own, against canned answers (httpx.MockTransport): retries and
their waits, Idempotency-Key, error codes. The same behaviours against the real API: tests/e2e/test_sdk.py."""

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from kb_client import AsyncClient, Client, ConflictError, NotFoundError, RetryPolicy, ServerError


def client_answering(*answers: httpx.Response, seen: list[httpx.Request], waits: list[float]) -> Client:
    """A client whose requests get `answers` in turn; retries record their wait and do not sleep."""
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    client = Client(
        "sk_live_test", "http://api.test/api", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    client.retry = RetryPolicy(max_retries=3, on_retry=lambda attempt, seconds, response: waits.append(seconds))
    return client


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch):
    monkeypatch.setattr("kb_client.client.time.sleep", lambda seconds: None)


SOURCE = {
    "source": {
        "id": "src_1",
        "tenantId": "ten_1",
        "name": "x",
        "graceDays": 7,
        "createdAt": "2026-01-01T00:00:00Z",
        "publishPending": False,
    }
}


def test_a_503_is_retried_after_its_retry_after_http_date_with_the_same_idempotency_key():
    # Given an API that answers 503 with Retry-After as an HTTP date, then 201
    seen: list[httpx.Request] = []
    waits: list[float] = []
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    client = client_answering(
        httpx.Response(503, headers={"Retry-After": soon}, json={"error": "busy", "code": "internal_error"}),
        httpx.Response(201, json=SOURCE),
        seen=seen,
        waits=waits,
    )
    # When a source is created
    source = client.sources.create("x")
    # Then it was sent twice with one Idempotency-Key, the wait read from the date (about 30 s)
    assert source.id == "src_1"
    assert len(seen) == 2
    assert seen[0].headers["Idempotency-Key"] == seen[1].headers["Idempotency-Key"]
    assert 25 < waits[0] <= 30


def test_a_429_waits_its_retry_after_in_seconds():
    seen: list[httpx.Request] = []
    waits: list[float] = []
    client = client_answering(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "slow", "code": "rate_limited"}),
        httpx.Response(200, json={"sources": [], "nextCursor": None}),
        seen=seen,
        waits=waits,
    )
    assert client.sources.list().sources == []
    assert waits == [7.0]
    assert "Idempotency-Key" not in seen[0].headers  # a read is not a mutation


def test_a_failed_build_is_not_retried_and_raises_its_code():
    seen: list[httpx.Request] = []
    client = client_answering(
        httpx.Response(502, json={"error": "the build failed", "code": "build_failed"}), seen=seen, waits=[]
    )
    with pytest.raises(ServerError) as raised:
        client.runs.apply("src_1", "run_1", wait=False)
    assert raised.value.code == "build_failed"
    assert raised.value.status == 502
    assert len(seen) == 1


def test_errors_are_raised_with_the_api_code():
    client = client_answering(
        httpx.Response(404, json={"error": "no such source", "code": "not_found"}),
        httpx.Response(409, json={"error": "stale", "code": "stale_plan"}),
        seen=[],
        waits=[],
    )
    with pytest.raises(NotFoundError) as missing:
        client.sources.get("src_x")
    assert missing.value.code == "not_found"
    with pytest.raises(ConflictError) as conflict:
        client.runs.apply("src_1", "run_1")
    assert conflict.value.code == "stale_plan"


def test_a_given_idempotency_key_is_sent_as_is():
    seen: list[httpx.Request] = []
    client = client_answering(httpx.Response(201, json=SOURCE), seen=seen, waits=[])
    client.sources.create("x", idempotency_key="my-key-1")
    assert seen[0].headers["Idempotency-Key"] == "my-key-1"


def test_the_sync_and_async_clients_send_the_same_request_for_the_same_operation():
    # Given both clients, each answering the published version of an item
    published = {
        "published": {
            "externalItemId": "faq 1",
            "generationId": "gen_1",
            "contentHash": "sha256:x",
            "title": "FAQ",
            "text": "Refunds take 14 days.",
        }
    }
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=published)

    transport = httpx.MockTransport(handler)
    sync = Client("sk_live_test", "http://api.test/api", http_client=httpx.Client(transport=transport))
    asynchronous = AsyncClient(
        "sk_live_test", "http://api.test/api", http_client=httpx.AsyncClient(transport=transport)
    )
    # When each asks for it
    answers = [sync.items.published("src_1", "faq 1"), asyncio.run(asynchronous.items.published("src_1", "faq 1"))]
    # Then both sent one identical GET (URL, key) and read the same answer
    assert [(r.method, str(r.url), r.headers["authorization"]) for r in seen] == [
        ("GET", "http://api.test/api/v1/sources/src_1/items/faq%201/published", "Bearer sk_live_test")
    ] * 2
    assert answers[0] == answers[1] and answers[0].text == "Refunds take 14 days."
