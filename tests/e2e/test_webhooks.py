"""Signed webhooks end to end: a real receiver on loopback, the real sender behind the events
queue, signatures checked with the published standardwebhooks package. The e2e stack retries
after 1 s, 1 s and 1 s (WebhookRetrySchedule) instead of minutes and hours."""

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from standardwebhooks import Webhook as Verifier

from local.deploy import client
from local.faults import POINTS, Faults
from tests.e2e.conftest import apply, push, run, run_and_apply
from tests.e2e.receiver import Receiver, start_receiver, wait_until


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def subscribe(api, receiver, kind, events):
    path = f"/{kind}/{uuid.uuid4().hex}"
    reply = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": events})
    assert reply.status_code == 201, reply.text
    return path, reply.json()["webhook"]["id"], reply.json()["secret"]


def deliveries(api, webhook_id):
    return api.call("GET", f"/v1/webhooks/{webhook_id}/deliveries", api.admin_key).json()["deliveries"]


def settled(api, webhook_id, status):
    return wait_until(lambda: [d for d in deliveries(api, webhook_id) if d["status"] == status], timeout=40)


def test_an_apply_sends_generation_published_and_content_created_signed(api, writer_key, source_id, receiver):
    path, _, secret = subscribe(api, receiver, "ok", ["generation.published", "content.*", "run.completed"])
    push(api, writer_key, source_id, "faq-1", "Refunds take 14 days.")
    _, applied = run_and_apply(api, writer_key, source_id)
    got = receiver.wait_for(path, 3)
    events = [Verifier(secret).verify(r.body, r.headers) for r in got]
    assert sorted(e["type"] for e in events) == ["content.created", "generation.published", "run.completed"]
    content = next(e for e in events if e["type"] == "content.created")
    assert content["data"] == {
        "sourceId": source_id,
        "generationId": applied["generationId"],
        "externalItemId": "faq-1",
        "contentHash": content["data"]["contentHash"],
    }
    assert set(events[0]) == {"id", "type", "timestamp", "data"}


def test_a_receiver_that_fails_twice_then_succeeds_shows_three_attempts(api, receiver):
    path, webhook_id, _ = subscribe(api, receiver, "flaky", ["webhook.test"])
    assert api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key).status_code == 202
    delivery = settled(api, webhook_id, "succeeded")[0]
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 200]
    # One delivery, one webhook-id across its retries (receivers dedupe on it)
    assert {r.headers["webhook-id"] for r in receiver.received(path)} == {delivery["id"]}
    assert delivery["attempts"][0]["responseBody"] == "no thanks"
    assert all(a["latencyMs"] >= 0 and a["at"] for a in delivery["attempts"])


def test_a_receiver_that_always_fails_ends_failed_and_dead_lettered(api, receiver):
    _, webhook_id, _ = subscribe(api, receiver, "fail", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    delivery = settled(api, webhook_id, "failed")[0]
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 500, 500]  # first try + 3 retries
    # And the delivery was dead-lettered (the sender sends it there before it records `failed`)
    assert dead_letter_of(api, delivery["id"])["reason"] == "every attempt failed"


def dead_letter_of(api, delivery_id: str) -> dict:
    """Walks the shared dead-letter queue for one delivery. Earlier tests' dead letters lie ahead of
    ours (a full run leaves hundreds), and SQS returns the oldest visible ones first, so each receive
    hides what it returned for longer than the walk takes; nothing else reads this queue."""
    sqs = client("sqs", api.info["moto_endpoint"])
    queue = api.info["dead_letter_queue_url"]
    seen = 0
    while True:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=300).get(
            "Messages", []
        )
        seen += len(messages)
        for message in messages:
            body = json.loads(message["Body"])
            if body.get("delivery", {}).get("id") == delivery_id:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
                return body
        if not messages:
            raise AssertionError(f"delivery {delivery_id} is not among the {seen} dead letters")


def test_a_503_with_retry_after_is_honoured(api, receiver):
    _, webhook_id, _ = subscribe(api, receiver, "busy", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    delivery = settled(api, webhook_id, "succeeded")[0]
    first, second = (datetime.fromisoformat(a["at"]) for a in delivery["attempts"])
    assert [a["statusCode"] for a in delivery["attempts"]] == [503, 200]
    assert (second - first).total_seconds() >= 2  # Retry-After: 2 beats the 1 s schedule


@pytest.mark.parametrize("retry_after", ["inf", "1e12", "99999999"])
def test_a_huge_retry_after_schedules_the_retry_one_hour_later(api, receiver, retry_after):
    # Given a receiver that answers 503 with a Retry-After beyond any sense
    _, webhook_id, _ = subscribe(api, receiver, f"busyfor/{retry_after}", ["webhook.test"])
    # When an event is sent to it
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    # Then the attempt is recorded and the retry is scheduled one hour (the cap) after it
    (delivery,) = wait_until(lambda: [d for d in deliveries(api, webhook_id) if d["attempts"]])
    (attempt,) = delivery["attempts"]
    wait = datetime.fromisoformat(delivery["nextAttemptAt"]) - datetime.fromisoformat(attempt["at"])
    assert attempt["statusCode"] == 503 and delivery["status"] == "pending"
    assert 3590 <= wait.total_seconds() <= 3610


def test_a_410_disables_the_subscription(api, receiver):
    _, webhook_id, _ = subscribe(api, receiver, "gone", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    settled(api, webhook_id, "failed")
    webhook = api.call("GET", f"/v1/webhooks/{webhook_id}", api.admin_key).json()["webhook"]
    assert (webhook["enabled"], webhook["disabledReason"]) == (False, "the receiver answered 410 Gone")


def test_after_rotation_deliveries_carry_two_signatures_that_verify_with_their_secrets(api, receiver):
    path, webhook_id, old_secret = subscribe(api, receiver, "ok", ["webhook.test"])
    rotated = api.call("POST", f"/v1/webhooks/{webhook_id}/rotate-secret", api.admin_key)
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != old_secret
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    (request,) = receiver.wait_for(path, 1)
    signatures = request.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    for secret in (old_secret, new_secret):
        assert Verifier(secret).verify(request.body, request.headers)["type"] == "webhook.test"


def test_redeliver_sends_again_with_the_same_webhook_id(api, receiver):
    path, webhook_id, secret = subscribe(api, receiver, "ok", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    delivery = settled(api, webhook_id, "succeeded")[0]
    again = api.call("POST", f"/v1/webhooks/{webhook_id}/deliveries/{delivery['id']}/redeliver", api.admin_key)
    assert again.status_code == 202
    first, second = receiver.wait_for(path, 2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery["id"]
    assert Verifier(secret).verify(second.body, second.headers)["id"] == json.loads(first.body)["id"]


def test_subscriptions_can_be_listed_changed_and_deleted_and_never_show_their_secret(api, receiver):
    _, webhook_id, secret = subscribe(api, receiver, "ok", ["content.*"])
    listed = api.call("GET", "/v1/webhooks", api.admin_key)
    assert webhook_id in [w["id"] for w in listed.json()["webhooks"]]
    assert secret not in listed.text and "secretParameter" not in listed.text
    patched = api.call("PATCH", f"/v1/webhooks/{webhook_id}", api.admin_key, {"events": ["*"], "enabled": False})
    assert (patched.json()["webhook"]["events"], patched.json()["webhook"]["enabled"]) == (["*"], False)
    assert api.call("DELETE", f"/v1/webhooks/{webhook_id}", api.admin_key).status_code == 200
    assert api.call("GET", f"/v1/webhooks/{webhook_id}", api.admin_key).status_code == 404


def test_unknown_event_types_and_unsafe_urls_are_refused(api):
    unknown = api.call("POST", "/v1/webhooks", api.admin_key, {"url": "https://example.com/h", "events": ["nope.*"]})
    metadata = api.call("POST", "/v1/webhooks", api.admin_key, {"url": "http://169.254.169.254/", "events": ["*"]})
    private = api.call("POST", "/v1/webhooks", api.admin_key, {"url": "https://10.0.0.8/h", "events": ["*"]})
    assert [(r.status_code, r.json()["code"]) for r in (unknown, metadata, private)] == [(400, "validation_error")] * 3


def test_a_failed_build_and_a_rollback_are_announced(api, writer_key, source_id, receiver, controls):
    path, _, secret = subscribe(api, receiver, "ok", ["generation.*"])
    push(api, writer_key, source_id, "a", "One.")
    _, first = run_and_apply(api, writer_key, source_id)
    push(api, writer_key, source_id, "b", "Two.")
    planned = run(api, writer_key, source_id)
    controls.fail_writes(source_id, after=0)
    assert apply(api, writer_key, source_id, planned["id"]).status_code == 502
    controls.fail_writes(source_id, after=None)
    _, second = run_and_apply(api, writer_key, source_id)
    api.call("POST", f"/v1/sources/{source_id}/generations/{first['generationId']}/rollback", writer_key)
    events = [Verifier(secret).verify(r.body, r.headers) for r in receiver.wait_for(path, 4)]
    by_type = {e["type"]: e["data"] for e in events}
    assert sorted(by_type) == ["generation.build_failed", "generation.published", "generation.rolled_back"]
    assert by_type["generation.build_failed"]["runId"] == planned["id"]
    assert by_type["generation.rolled_back"] == {
        "sourceId": source_id,
        "generationId": first["generationId"],
        "previousGenerationId": second["generationId"],
    }


def test_deliveries_are_listed_newest_first_and_filtered_by_status(api, receiver):
    # Given a subscription whose first delivery failed (every attempt) and whose next two succeeded
    _, webhook_id, _ = subscribe(api, receiver, "failfirst", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    (failed,) = settled(api, webhook_id, "failed")
    for expected in (1, 2):
        api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
        wait_until(lambda: len(settled(api, webhook_id, "succeeded")) == expected)  # noqa: B023 - called at once
    # When the log is listed, whole and by status
    listed = deliveries(api, webhook_id)
    path = f"/v1/webhooks/{webhook_id}/deliveries"
    only_failed = api.call("GET", f"{path}?status=failed", api.admin_key).json()["deliveries"]
    only_succeeded = api.call("GET", f"{path}?status=succeeded&limit=1", api.admin_key).json()
    # Then the newest comes first, and each status filter returns exactly its deliveries
    timestamps = [d["event"]["timestamp"] for d in listed]
    assert len(listed) == 3 and timestamps == sorted(timestamps, reverse=True)
    assert listed[-1]["id"] == failed["id"]
    assert [d["id"] for d in only_failed] == [failed["id"]]
    assert [d["id"] for d in only_succeeded["deliveries"]] == [listed[0]["id"]] and only_succeeded["nextCursor"]
    following = api.call("GET", f"{path}?status=succeeded&cursor={only_succeeded['nextCursor']}", api.admin_key)
    assert [d["id"] for d in following.json()["deliveries"]] == [listed[1]["id"]]


def test_an_unknown_delivery_status_filter_is_a_validation_error(api, receiver):
    _, webhook_id, _ = subscribe(api, receiver, "ok", ["webhook.test"])
    reply = api.call("GET", f"/v1/webhooks/{webhook_id}/deliveries?status=lost", api.admin_key)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")


@pytest.mark.parametrize("point", POINTS)
def test_an_event_is_delivered_even_when_the_sender_crashes_at_any_step(api, receiver, point):
    # Given a subscription (failing its first attempt, so a retry gets scheduled) and a crash armed
    # at one step of its delivery
    path, webhook_id, secret = subscribe(api, receiver, "flaky", ["webhook.test"])
    armed = Faults(Path(api.info["faults_dir"])).arm(point, webhook_id)
    # When an event is sent to it
    event = api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key).json()
    # Then the crash happened, and the event still arrived, signed, and the delivery succeeded
    (delivery,) = settled(api, webhook_id, "succeeded")
    assert not armed.exists()
    received = receiver.wait_for(path, 3)
    assert {Verifier(secret).verify(r.body, r.headers)["id"] for r in received} == {event["id"]}
    assert {r.headers["webhook-id"] for r in received} == {delivery["id"]}
    assert delivery["attempts"][-1]["statusCode"] == 200


def test_a_slow_loris_receiver_is_cut_off_at_the_deadline_and_the_delivery_retried(api, receiver):
    # Given a receiver that answers its first request one header line at a time, forever
    path, webhook_id, _ = subscribe(api, receiver, "slowloris", ["webhook.test"])
    # When an event is sent to it
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    # Then the first attempt is recorded as cut off at the deadline, and the retry succeeds
    (delivery,) = settled(api, webhook_id, "succeeded")
    first, second = delivery["attempts"]
    assert first["statusCode"] is None and first["error"].startswith("deadline exceeded")
    assert second["statusCode"] == 200
    assert len(receiver.received(path)) == 2


def test_a_hanging_receiver_does_not_delay_another_tenants_delivery(api, receiver, other_tenant_admin):
    # Given one tenant's receiver that hangs on its delivery, and another tenant's that answers
    held_path, held_id, _ = subscribe(api, receiver, "hold", ["webhook.test"])
    other = api.call(
        "POST", "/v1/webhooks", other_tenant_admin, {"url": f"{receiver.url}/ok/{uuid.uuid4().hex}", "events": ["*"]}
    )
    other_path, other_id = other.json()["webhook"]["url"].removeprefix(receiver.url), other.json()["webhook"]["id"]
    try:
        api.call("POST", f"/v1/webhooks/{held_id}/test", api.admin_key)
        receiver.wait_for(held_path, 1)  # the sender is now inside that attempt
        # When the other tenant's event is sent
        api.call("POST", f"/v1/webhooks/{other_id}/test", other_tenant_admin)
        # Then it arrives while the hanging attempt is still in flight (it has no recorded attempt yet)
        receiver.wait_for(other_path, 1)
        (held,) = deliveries(api, held_id)
        assert held["attempts"] == []
    finally:
        receiver.release(held_path)
    assert settled(api, held_id, "succeeded")
