"""The delivery log under concurrent writers, against the local stack's DynamoDB: duplicate
copies of one delivery's message, and a redeliver, racing each other."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.ids import iso_now, new_id
from kb.storage import Table
from kb.webhooks.models import Attempt, Delivery, Event
from kb.webhooks.repository import DeliveryLog
from local.deploy import client

WRITERS = 8


@pytest.fixture
def log(stack) -> DeliveryLog:
    return DeliveryLog(Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name))


@pytest.fixture
def delivery(log: DeliveryLog) -> Delivery:
    now = iso_now()
    event = Event(id=new_id("evt"), type="webhook.test", timestamp=now, data={})
    recorded = Delivery(
        id=new_id("msg"), webhook_id=new_id("wh"), tenant_id="ten_1", event=event, created_at=now, updated_at=now
    )
    assert log.create(recorded)
    return recorded


def attempt(status: int) -> Attempt:
    return Attempt(at=iso_now(), status_code=status, latency_ms=1)


def test_a_delivery_is_recorded_once(log, delivery):
    assert not log.create(delivery)


def test_concurrent_attempts_are_all_kept_and_a_success_is_never_undone(log, delivery):
    # Given several copies of one delivery's message, attempted at the same moment: one succeeds
    start = threading.Barrier(WRITERS)

    def record(index: int) -> None:
        start.wait()
        if index == 0:
            log.record_attempt(delivery, attempt(200), "succeeded", None)
        else:
            log.record_attempt(delivery, attempt(500), "pending", iso_now())

    # When they record their attempts concurrently
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(record, range(WRITERS)))
    # Then every attempt is in the log and the delivery stays succeeded
    stored = log.get(delivery.webhook_id, delivery.id)
    assert stored is not None
    assert sorted(a.status_code or 0 for a in stored.attempts) == [200] + [500] * (WRITERS - 1)
    assert stored.status == "succeeded"


def test_a_redeliver_during_attempts_loses_none_of_them(log, delivery):
    # Given attempts being recorded while the delivery is reopened for a redeliver
    start = threading.Barrier(WRITERS)

    def write(index: int) -> None:
        start.wait()
        if index == 0:
            log.reopen(delivery.webhook_id, delivery.id, iso_now())
        else:
            log.record_attempt(delivery, attempt(500), "pending", iso_now())

    # When all run at once
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, range(WRITERS)))
    # Then each attempt is kept and the delivery is pending
    stored = log.get(delivery.webhook_id, delivery.id)
    assert stored is not None and stored.status == "pending"
    assert len(stored.attempts) == WRITERS - 1


def test_a_failure_does_not_reopen_a_delivery_given_up(log, delivery):
    # Given a delivery marked failed
    log.record_attempt(delivery, attempt(500), "failed", None)
    # When a late duplicate records its failure with a retry time
    log.record_attempt(delivery, attempt(500), "pending", iso_now())
    # Then the attempt is logged, and the delivery stays failed with no next attempt
    stored = log.get(delivery.webhook_id, delivery.id)
    assert stored is not None
    assert (stored.status, stored.next_attempt_at, len(stored.attempts)) == ("failed", None, 2)
