"""The Python SDK (clients/python) against the local stack over HTTP: the lifecycle helpers, retries
honouring a real 429's Retry-After, Idempotency-Key on every mutation, cursor iteration, error codes."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kb_client import AsyncClient, Client, ConflictError, DeltaEvent, DoneEvent, NotFoundError, RetryPolicy, StartEvent
from kb_client.files import MULTIPART_LIMIT

FAQ = [
    {"externalItemId": "refunds", "title": "Refunds", "content": "Refunds take 14 days to reach your card."},
    {"externalItemId": "shipping", "title": "Shipping", "content": "We ship worldwide within 2 business days."},
    {"externalItemId": "returns", "title": "Returns", "content": "Returns are free for 30 days."},
]


def recording_client(api, key: str, seen: list[httpx.Request], **options) -> Client:
    """A client whose every request is recorded (httpx event hooks, as a user would log them)."""
    http = httpx.Client(timeout=60, event_hooks={"request": [seen.append]})
    return Client(key, api.url, http_client=http, **options)


def test_sync_then_publish_serves_search_and_a_cited_answer(api, writer_key, source_id):
    with Client(writer_key, api.url) as client:
        # Given three items synced as upserts
        report = client.sync(source_id, FAQ)
        # When the source is published (run, apply, waiting for both)
        published = client.publish(source_id)
        # Then all three were created and are served
        assert report.outcomes == {"created": 3}
        assert published.run.counts is not None and published.run.counts.created == 3
        assert published.applied.status == "published"
        found = client.search("how long do refunds take", limit=3, source_ids=[source_id])
        assert found.results[0].item.external_item_id == "refunds"
        answer = client.query("How long do refunds take?", source_ids=[source_id])
        assert answer.found and "14 days" in answer.answer
        assert answer.sources[0].external_item_id == "refunds"


def test_a_snapshot_sync_tombstones_what_it_leaves_out(api, writer_key, source_id):
    with Client(writer_key, api.url) as client:
        client.sync(source_id, FAQ)
        client.publish(source_id)
        # When a snapshot without "returns" is synced and published
        report = client.sync(source_id, FAQ[:2], mode="snapshot")
        published = client.publish(source_id)
        # Then the commit counted it missing and the run tombstoned it
        assert report.snapshot is not None and report.snapshot.counts is not None
        assert report.snapshot.counts.missing == 1
        assert published.run.counts is not None and published.run.counts.tombstoned == 1
        assert [c.external_item_id for c in client.runs.changes(source_id, published.run.id)] == ["returns"]


def test_a_429_is_retried_after_the_retry_after_the_api_sent(api, controls):
    # Given a key allowed 1 request a minute, its clock standing at hh:mm:58 (Retry-After: 2)
    created = httpx.post(
        f"{api.url}/v1/admin/keys",
        headers={"Authorization": f"Bearer {api.admin_key}"},
        json={"name": "sdk limited", "scope": "write", "rateLimitPerMinute": 1},
    ).json()
    minute = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    controls.pin_key_clock(created["key"]["id"], minute + timedelta(seconds=58))
    waits: list[tuple[float, int]] = []

    def next_window(attempt: int, seconds: float, response: httpx.Response | None) -> None:
        # While the client waits, the key's clock moves on into the next window.
        waits.append((seconds, response.status_code if response is not None else 0))
        controls.pin_key_clock(created["key"]["id"], minute + timedelta(seconds=61))

    with Client(created["secret"], api.url, retry=RetryPolicy(on_retry=next_window)) as client:
        first = client.sources.list()
        # When the second request of the minute is sent
        second = client.sources.list()
    # Then it was answered 429, retried after the 2 s the API asked for, and answered in full
    assert waits == [(2.0, 429)]
    assert [s.id for s in second.sources] == [s.id for s in first.sources]


def test_every_mutation_carries_an_idempotency_key_and_a_given_one_replays(api, writer_key):
    seen: list[httpx.Request] = []
    with recording_client(api, writer_key, seen) as client:
        # When a source is created twice with one key, and once more without
        first = client.sources.create("Docs", idempotency_key="sdk-e2e-create-docs")
        again = client.sources.create("Docs", idempotency_key="sdk-e2e-create-docs")
        other = client.sources.create("Docs")
        client.sources.get(other.id)
    # Then the given key replayed the first answer, and the SDK generated a key for the third
    assert again.id == first.id
    assert other.id != first.id
    posts = [r for r in seen if r.method == "POST"]
    assert [r.headers["Idempotency-Key"] for r in posts[:2]] == ["sdk-e2e-create-docs"] * 2
    assert len(posts[2].headers["Idempotency-Key"]) == 36  # a UUID
    assert "Idempotency-Key" not in next(r for r in seen if r.method == "GET").headers


def test_iterators_follow_cursors_to_the_last_page(api, writer_key, source_id):
    seen: list[httpx.Request] = []
    with recording_client(api, writer_key, seen) as client:
        client.items.batch(source_id, [{"externalItemId": f"doc-{n}", "content": f"text {n}"} for n in range(7)])
        # When the items are iterated three at a time
        ids = [item.external_item_id for item in client.items.iter(source_id, limit=3)]
    # Then all seven come back, in order, over three pages
    assert ids == [f"doc-{n}" for n in range(7)]
    assert sum(1 for r in seen if r.method == "GET") == 3


def test_errors_are_raised_with_the_api_code(api, writer_key, source_id):
    with Client(writer_key, api.url) as client:
        with pytest.raises(NotFoundError) as missing:
            client.sources.get("src_doesnotexist")
        client.items.upsert(source_id, external_item_id="a", content="alpha")
        published = client.publish(source_id)
        with pytest.raises(ConflictError) as conflict:
            client.runs.apply(source_id, published.run.id)
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    assert (conflict.value.status, conflict.value.code) == (409, "apply_conflict")


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_client_syncs_publishes_and_iterates(api, writer_key, source_id, anyio_backend):
    async with AsyncClient(writer_key, api.url) as client:
        report = await client.sync(source_id, FAQ, batch_size=2)
        published = await client.publish(source_id)
        ids = [item.external_item_id async for item in client.items.iter(source_id, limit=2)]
    assert report.outcomes == {"created": 3}
    assert published.applied.status == "published"
    assert ids == ["refunds", "returns", "shipping"]


def test_a_streamed_answer_yields_its_first_delta_before_the_answer_is_complete(api, writer_key, source_id, controls):
    # Given a published FAQ, a client with the stack's stream URL, and answers held after their first delta
    with Client(writer_key, api.url, stream_url=api.info["stream_url"]) as client:
        client.sync(source_id, FAQ)
        client.publish(source_id)
        controls.hold_answers()
        try:
            # When the answer is streamed
            events = client.stream_query("refunds and shipping", source_ids=[source_id])
            start, first = next(events), next(events)
            # Then the start and the first sentence arrive while the answer is held
            assert isinstance(start, StartEvent) and isinstance(first, DeltaEvent)
            controls.release_answers()
            rest = list(events)
        finally:
            controls.release_answers()
    # And once released the rest follows, done holding the whole answer that began with the first delta
    done = rest[-1]
    assert isinstance(done, DoneEvent)
    assert done.answer.startswith(first.text) and len(done.answer) > len(first.text)
    assert start.query_id == (done.model_extra or {})["queryId"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_client_streams_a_chat_and_its_follow_up_in_one_chat(api, writer_key, source_id, anyio_backend):
    async with AsyncClient(writer_key, api.url, stream_url=api.info["stream_url"]) as client:
        # Given a published FAQ
        await client.sync(source_id, FAQ)
        await client.publish(source_id)
        # When a chat is streamed, then a follow-up in it
        first = [event async for event in client.chats.stream("How long do refunds take?", source_ids=[source_id])]
        assert isinstance(first[0], StartEvent) and first[0].chat_id
        chat_id = first[0].chat_id
        follow_up = [event async for event in client.chats.stream("Are returns free?", chat_id=chat_id)]
        # Then both answers came from the FAQ, in one chat whose history holds both turns
        answers = first[-1], follow_up[-1]
        assert isinstance(answers[0], DoneEvent) and isinstance(answers[1], DoneEvent)
        assert "14 days" in answers[0].answer and "30 days" in answers[1].answer
        assert (answers[1].model_extra or {})["chatId"] == chat_id
        history = [message.content async for message in client.chats.history(chat_id)]
    assert history[0] == "How long do refunds take?" and history[2] == "Are returns free?"


def test_a_file_over_4_mib_goes_by_a_presigned_upload_and_becomes_searchable(api, writer_key, source_id):
    # Given an HTML page over 4 MiB, most of it an inline script (which extraction drops)
    script = "<script>/* " + "padding " * (MULTIPART_LIMIT // 8) + "*/</script>"
    page = (
        f"<html><head><title>Warranty</title>{script}</head>"
        "<body><main><p>The warranty covers water damage for two years.</p></main></body></html>"
    ).encode()
    assert len(page) > MULTIPART_LIMIT
    seen: list[httpx.Request] = []
    with recording_client(api, writer_key, seen) as client:
        # When the SDK uploads it and waits for it
        record = client.files.upload(
            source_id, page, filename="warranty.html", content_type="text/html", external_item_id="warranty"
        )
        done = client.files.wait(source_id, record.id)
        # Then the API got only its description, and the bytes went to the presigned URL without the key
        to_api = [r for r in seen if str(r.url).startswith(api.url)]
        to_storage = [r for r in seen if not str(r.url).startswith(api.url)]
        assert to_api[0].url.path.endswith(f"/v1/sources/{source_id}/files/uploads")
        assert len(to_storage) == 1 and "Authorization" not in to_storage[0].headers
        # And it was processed, and once published is found
        assert done.status == "completed", done
        client.publish(source_id)
        hits = client.search("warranty water damage", source_ids=[source_id]).results
    assert hits and hits[0].item.external_item_id == "warranty"
