"""Signed webhooks end to end: a real receiver on loopback, the real sender behind the events
queue, signatures checked with the published standardwebhooks package. The e2e stack retries
after 1 s, 1 s and 1 s (WebhookRetrySchedule) instead of minutes and hours."""

import json
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from standardwebhooks import Webhook as Verifier

from local.deploy import client
from tests.e2e.conftest import apply, push, run, run_and_apply
from tests.e2e.receiver import Receiver, start_receiver, wait_until


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.server.shutdown()


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
    sqs = client("sqs", api.info["moto_endpoint"])

    def dead_lettered():
        messages = sqs.receive_message(QueueUrl=api.info["dead_letter_queue_url"], MaxNumberOfMessages=10).get(
            "Messages", []
        )
        return [m for m in messages if json.loads(m["Body"]).get("delivery", {}).get("id") == delivery["id"]]

    assert wait_until(dead_lettered, timeout=10)


def test_a_503_with_retry_after_is_honoured(api, receiver):
    _, webhook_id, _ = subscribe(api, receiver, "busy", ["webhook.test"])
    api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key)
    delivery = settled(api, webhook_id, "succeeded")[0]
    first, second = (datetime.fromisoformat(a["at"]) for a in delivery["attempts"])
    assert [a["statusCode"] for a in delivery["attempts"]] == [503, 200]
    assert (second - first).total_seconds() >= 2  # Retry-After: 2 beats the 1 s schedule


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
