"""Domain events go onto the events queue; the domain never calls a receiver itself."""

import json
from typing import Any

from kb.ids import iso_now, new_id
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

    def schedule(self, message: DeliveryMessage, delay_seconds: float) -> None:
        """SQS delays stop at 15 minutes: a longer wait is several hops (see docs/webhooks.md)."""
        delay = max(0, min(SQS_MAX_DELAY_SECONDS, int(delay_seconds)))
        self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps(message.to_json_dict()), DelaySeconds=delay
        )
