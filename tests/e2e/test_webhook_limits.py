"""A subscription's own retry schedule (bounded) and its scope to sources, against a real
receiver on loopback."""

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import run
from tests.e2e.receiver import Receiver, start_receiver, wait_until


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def subscribe(api, receiver, kind: str, events: list[str], **fields) -> tuple[str, str]:
    path = f"/{kind}/{uuid.uuid4().hex}"
    body = {"url": receiver.url + path, "events": events, **fields}
    reply = api.call("POST", "/v1/webhooks", api.admin_key, body)
    assert reply.status_code == 201, reply.text
    return path, reply.json()["webhook"]["id"]


def deliveries(api, webhook_id: str) -> list[dict]:
    reply = api.call("GET", f"/v1/webhooks/{webhook_id}/deliveries", api.admin_key)
    deliveries: list[dict] = reply.json()["deliveries"]
    return deliveries


def test_a_subscriptions_own_schedule_decides_its_retries(api, receiver):
    # Given a receiver that always fails, subscribed with one retry (the stack's default is three)
    _, webhook_id = subscribe(api, receiver, "fail", ["webhook.test"], retrySchedule=[1])
    # When a test event is sent
    assert api.call("POST", f"/v1/webhooks/{webhook_id}/test", api.admin_key).status_code == 202
    # Then it is attempted twice, then given up
    failed = wait_until(lambda: [d for d in deliveries(api, webhook_id) if d["status"] == "failed"], timeout=40)
    assert [a["statusCode"] for a in failed[0]["attempts"]] == [500, 500]


def test_a_schedule_out_of_bounds_is_a_validation_error(api, receiver):
    for schedule in ([0], [86_401], [1] * 11, [86_400] * 4, [1.5]):
        reply = api.call(
            "POST",
            "/v1/webhooks",
            api.admin_key,
            {"url": receiver.url + "/ok/x", "events": ["webhook.test"], "retrySchedule": schedule},
        )
        assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), schedule
        assert "retrySchedule" in reply.json()["error"]


def test_a_subscription_scoped_to_a_source_gets_only_that_sources_events(api, writer_key, receiver):
    # Given two sources, a subscription scoped to the first and one to every source
    first, second = (
        api.call("POST", "/v1/sources", writer_key, {"name": name}).json()["source"]["id"] for name in ("a", "b")
    )
    scoped_path, scoped_id = subscribe(api, receiver, "ok", ["run.completed"], sourceIds=[first])
    every_path, _ = subscribe(api, receiver, "ok", ["run.completed"])
    # When each source completes a run
    run(api, writer_key, second)
    run(api, writer_key, first)
    # Then the unscoped subscription gets both (so both events were fanned out) ...
    everything = receiver.wait_for(every_path, 2)
    assert len(everything) == 2
    # ... and the scoped one only the first source's
    scoped = receiver.wait_for(scoped_path, 1)
    assert [d["event"]["data"]["sourceId"] for d in deliveries(api, scoped_id)] == [first]
    assert first in scoped[0].body and second not in scoped[0].body


def test_the_scope_can_be_changed_and_lifted(api, receiver):
    _, webhook_id = subscribe(api, receiver, "ok", ["run.completed"], sourceIds=["src_one"])
    path = f"/v1/webhooks/{webhook_id}"
    changed = api.call("PATCH", path, api.admin_key, {"sourceIds": ["src_two", "src_two"], "retrySchedule": [5, 60]})
    assert (changed.json()["webhook"]["sourceIds"], changed.json()["webhook"]["retrySchedule"]) == (
        ["src_two"],
        [5, 60],
    )
    lifted = api.call("PATCH", path, api.admin_key, {"sourceIds": []})
    assert lifted.json()["webhook"]["sourceIds"] is None
