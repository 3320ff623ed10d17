"""Domain events go onto the events queue; the domain never calls a receiver itself. Each
(event, subscription) delivery is then a message of its own on the deliveries queue."""

import json
import math
from typing import Any

from botocore.exceptions import ClientError

from kb.ids import iso_now, new_id
from kb.observability import logger
from kb.webhooks.models import DeliveryMessage, Event, EventMessage

SQS_MAX_DELAY_SECONDS = 900


def new_event(event_type: str, data: dict[str, Any]) -> Event:
    return Event(id=new_id("evt"), type=event_type, timestamp=iso_now(), data=data)


class EventPublisher:
    """Sends to the events queue; with no queue configured (unit tests) it sends nothing."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def publish(self, tenant_id: str, events: list[Event], webhook_id: str | None = None) -> None:
        if not self.queue_url:
            return
        bodies = [EventMessage(tenant_id=tenant_id, event=e, webhook_id=webhook_id).to_json_dict() for e in events]
        for start in range(0, len(bodies), 10):
            entries = [{"Id": str(i), "MessageBody": json.dumps(b)} for i, b in enumerate(bodies[start : start + 10])]
            self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)


class DeliveryQueue:
    """The deliveries queue: one message is one delivery's next attempt."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def enqueue(self, message: DeliveryMessage, delay_seconds: float = 0) -> None:
        """SQS delays stop at 15 minutes: a longer wait is several hops (see docs/webhooks.md)."""
        delay = min(SQS_MAX_DELAY_SECONDS, int(delay_seconds)) if math.isfinite(delay_seconds) else 0
        self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps(message.to_json_dict()), DelaySeconds=max(0, delay)
        )


def retry_failed_records(sqs: Any, queue_url: str, receipt_handles: list[str], seconds: float) -> None:
    """Records whose processing failed come back after `seconds`, not after the whole visibility
    timeout (which stays long, for invocations that die without a word). Best effort: a handle
    that no longer works leaves its record to the visibility timeout, never fails the batch."""
    for handle in receipt_handles:
        try:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=max(0, int(seconds))
            )
        except ClientError as error:
            logger.warning("failed record keeps its visibility timeout", extra={"error": str(error)})
