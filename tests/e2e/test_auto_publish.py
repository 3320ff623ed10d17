"""Publishing without an apply, over HTTP against the local stack (started with
AutoPublishRetrySeconds=1): sources set to auto publish by themselves after a change; nobody calls
run or apply here unless a test says so. Everything that waits polls with a deadline."""

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from standardwebhooks import Webhook as Verifier

from tests.e2e.conftest import apply, push, run
from tests.e2e.receiver import Receiver, start_receiver, wait_until
from tests.e2e.test_apply import wait_for_lease

WAIT = 120.0  # a build on a loaded 2-core machine; polls end as soon as the answer is there


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def auto_source(api, key, delay: int = 0, **fields: Any) -> str:
    body = {"name": "Auto", "publishing": {"mode": "auto", "delaySeconds": delay}, **fields}
    reply = api.call("POST", "/v1/sources", key, body)
    assert reply.status_code == 201, reply.text
    assert reply.json()["source"]["publishing"] == {"mode": "auto", "delaySeconds": delay}
    return str(reply.json()["source"]["id"])


def found(api, key, source_id, query) -> list[str]:
    reply = api.call("POST", "/v1/search", key, {"query": query, "sourceIds": [source_id], "mode": "keyword"})
    assert reply.status_code == 200, reply.text
    return [r["item"]["externalItemId"] for r in reply.json()["results"]]


def generations(api, key, source_id) -> list[dict[str, Any]]:
    reply = api.call("GET", f"/v1/sources/{source_id}/generations", key)
    assert reply.status_code == 200, reply.text
    return list(reply.json()["generations"])


def runs(api, key, source_id) -> list[dict[str, Any]]:
    return list(api.call("GET", f"/v1/sources/{source_id}/runs", key).json()["runs"])


def source_of(api, key, source_id) -> dict[str, Any]:
    return dict(api.call("GET", f"/v1/sources/{source_id}", key).json()["source"])


def publication(api, key, source_id, item_id) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/sources/{source_id}/items/{item_id}", key)
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["publication"])


def published(api, key, source_id, item_id) -> dict[str, Any] | None:
    state = publication(api, key, source_id, item_id)
    return state if state["status"] == "published" else None


def test_an_upsert_becomes_searchable_without_a_run_or_an_apply(api, writer_key):
    # Given a source that publishes by itself at once
    source_id = auto_source(api, writer_key, delay=0)
    # When an item is pushed (and nothing else is called)
    assert push(api, writer_key, source_id, "refunds", "Refunds take fourteen days.").status_code == 201
    # Then search finds it, and the item says which generation serves it
    wait_until(lambda: found(api, writer_key, source_id, "refunds"), WAIT)
    state = publication(api, writer_key, source_id, "refunds")
    assert state["status"] == "published"
    assert state["generationId"] == source_of(api, writer_key, source_id)["currentGenerationId"]
    # And it went through an ordinary run, applied into that generation
    [only_run] = runs(api, writer_key, source_id)
    assert only_run["appliedGenerationId"] == state["generationId"]


def test_quick_writes_are_folded_into_one_generation(api, writer_key):
    # Given a source that waits 8 s after the first change
    source_id = auto_source(api, writer_key, delay=8)
    started = time.monotonic()
    # When five items are pushed one after another
    for n in range(5):
        assert push(api, writer_key, source_id, f"faq-{n}", f"Answer number {n} about shipping.").status_code == 201
    assert time.monotonic() - started < 8, "the writes took longer than the window; the premise does not hold"
    # Then all five are published, by one build
    wait_until(lambda: all(published(api, writer_key, source_id, f"faq-{n}") for n in range(5)), WAIT)
    [generation] = generations(api, writer_key, source_id)
    assert generation["counts"]["created"] == 5


def test_a_change_during_a_build_is_published_by_one_more_build_after_it(api, writer_key, source_id, table, controls):
    # Given a build of "first" that holds the source's lease, held until released
    push(api, writer_key, source_id, "first", "The first answer about returns.")
    planned = run(api, writer_key, source_id)
    controls.hold_tasks(source_id)
    with ThreadPoolExecutor(1) as pool:
        applying = pool.submit(apply, api, writer_key, source_id, planned["id"])
        wait_for_lease(api, table, source_id)
        # When the source is switched to auto publishing and a change arrives during the build
        reply = api.call(
            "PATCH", f"/v1/sources/{source_id}", writer_key, {"publishing": {"mode": "auto", "delaySeconds": 0}}
        )
        assert reply.status_code == 200, reply.text
        push(api, writer_key, source_id, "second", "The second answer about warranties.")
        controls.release_tasks(source_id)
        assert applying.result().status_code in (200, 202)
    # Then the held build publishes "first" only, and one more build after it publishes "second"
    wait_until(lambda: published(api, writer_key, source_id, "second"), WAIT)
    built = sorted(generations(api, writer_key, source_id), key=lambda g: g["createdAt"])
    assert [g["status"] for g in built] == ["succeeded", "succeeded"]
    assert [g["counts"]["created"] for g in built] == [1, 1]
    assert found(api, writer_key, source_id, "warranties") == ["second"]


def test_a_change_during_an_automatic_run_is_folded_into_one_build(api, writer_key, controls):
    # Given an auto source whose first run is held
    source_id = auto_source(api, writer_key, delay=0)
    controls.hold_tasks(source_id)
    try:
        push(api, writer_key, source_id, "first", "The first answer about returns.")
        wait_until(lambda: runs(api, writer_key, source_id), WAIT)
        # When another change arrives while that run is under way
        push(api, writer_key, source_id, "second", "The second answer about warranties.")
    finally:
        controls.release_tasks(source_id)
    # Then both are published by one build (a plan the change made stale is not applied; it is
    # run again with the change), and never two builds at once
    wait_until(lambda: published(api, writer_key, source_id, "second"), WAIT)
    assert published(api, writer_key, source_id, "first")
    [generation] = [g for g in generations(api, writer_key, source_id) if g["status"] == "succeeded"]
    assert generation["counts"]["created"] == 2


def test_a_manual_source_never_publishes_by_itself(api, writer_key, source_id):
    # Given a manual source (the default) and an auto one, each with a change
    assert source_of(api, writer_key, source_id)["publishing"] == {"mode": "manual", "delaySeconds": 60}
    auto_id = auto_source(api, writer_key, delay=0)
    push(api, writer_key, source_id, "manual-item", "Staged, not published.")
    push(api, writer_key, auto_id, "auto-item", "Published by itself.")
    # When the auto one has published by itself
    wait_until(lambda: published(api, writer_key, auto_id, "auto-item"), WAIT)
    # Then the manual one has no run and no generation, and its item is staged
    assert runs(api, writer_key, source_id) == []
    assert generations(api, writer_key, source_id) == []
    assert publication(api, writer_key, source_id, "manual-item")["status"] == "staged"
    assert source_of(api, writer_key, source_id)["publishPending"] is False


def test_a_failing_build_is_retried_then_reported_by_event(api, writer_key, controls, receiver):
    # Given a subscriber to publish failures and an auto source whose builds fail (runs succeed)
    path = f"/ok/{uuid.uuid4().hex}"  # "ok": the test receiver answers 200 at once
    reply = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["source.*"]})
    secret = reply.json()["secret"]
    source_id = auto_source(api, writer_key, delay=0)
    controls.fail_writes(source_id, after=1)
    try:
        # When a change is pushed
        push(api, writer_key, source_id, "doomed", "This build will fail.")
        # Then after four failed builds (backoff 1 s, 2 s, 4 s) one event reports it
        [received] = receiver.wait_for(path, 1, timeout=WAIT)
        event = Verifier(secret).verify(received.body, received.headers)
        assert event["type"] == "source.publish_failed"
        assert (event["data"]["sourceId"], event["data"]["code"], event["data"]["attempts"]) == (
            source_id,
            "build_failed",
            4,
        )
        # And the source and the item say so, and nothing is published
        assert source_of(api, writer_key, source_id)["publishFailure"]["code"] == "build_failed"
        state = publication(api, writer_key, source_id, "doomed")
        assert (state["status"], state["error"]["code"]) == ("failed", "build_failed")
        assert source_of(api, writer_key, source_id)["currentGenerationId"] is None
        assert len(runs(api, writer_key, source_id)) == 4
    finally:
        controls.fail_writes(source_id, after=None)
    # And once storage recovers, the next change publishes both and clears the failure
    push(api, writer_key, source_id, "fixed", "This one goes through.")
    wait_until(lambda: published(api, writer_key, source_id, "doomed"), WAIT)
    assert published(api, writer_key, source_id, "fixed")
    # (the worker clears it once its apply has settled, just after the pointer moved)
    wait_until(lambda: source_of(api, writer_key, source_id)["publishFailure"] is None, WAIT)


def test_switching_back_to_manual_stops_it(api, writer_key):
    # Given an auto source with a change waiting out a 10 s window
    source_id = auto_source(api, writer_key, delay=10)
    started = time.monotonic()
    push(api, writer_key, source_id, "late", "Pushed while auto.")
    assert source_of(api, writer_key, source_id)["publishPending"] is True
    # When it is switched back to manual before the window ends
    reply = api.call("PATCH", f"/v1/sources/{source_id}", writer_key, {"publishing": {"mode": "manual"}})
    assert reply.status_code == 200, reply.text
    assert time.monotonic() - started < 10, "the switch came after the window; the premise does not hold"
    # Then the window's message is dropped when it arrives, and nothing was run or published
    wait_until(lambda: not source_of(api, writer_key, source_id)["publishPending"], WAIT)
    assert runs(api, writer_key, source_id) == []
    assert publication(api, writer_key, source_id, "late")["status"] == "staged"
