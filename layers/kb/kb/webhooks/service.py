"""Subscriptions (admin API) and the sender's work: fan an event out to the matching
subscriptions, attempt each delivery, schedule retries, record every attempt."""

import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kb.errors import NotFound, ValidationFailed
from kb.ids import iso_now, new_id, parse_iso, to_iso, utcnow
from kb.observability import count, logger
from kb.webhooks.delivery import UnsafeTarget, post, sign, vet_url
from kb.webhooks.events import EventPublisher, new_event
from kb.webhooks.models import (
    Attempt,
    CreatedWebhook,
    CreateWebhookRequest,
    Delivery,
    DeliveryMessage,
    DeliveryPage,
    Event,
    EventMessage,
    UpdateWebhookRequest,
    Webhook,
    WebhookPage,
    subscribed,
)
from kb.webhooks.repository import WebhookRepository
from kb.webhooks.secrets import SecretStore, new_secret

ROTATION_OVERLAP = timedelta(hours=24)


def _vetted(url: str, allow_insecure: bool) -> str:
    try:
        vet_url(url, allow_insecure)
    except UnsafeTarget as error:
        raise ValidationFailed(f"url: {error}") from error
    return url


def create_webhook(
    repo: WebhookRepository, store: SecretStore, tenant_id: str, request: CreateWebhookRequest, allow_insecure: bool
) -> CreatedWebhook:
    webhook_id, secret, now = new_id("wh"), new_secret(), iso_now()
    webhook = Webhook(
        id=webhook_id,
        tenant_id=tenant_id,
        url=_vetted(str(request.url), allow_insecure),
        events=sorted(set(request.events)),
        description=request.description,
        created_at=now,
        updated_at=now,
        secret_parameter=store.put(webhook_id, new_id("v"), secret),
    )
    repo.put(webhook)
    return CreatedWebhook(webhook=webhook, secret=secret)


def get_webhook(repo: WebhookRepository, tenant_id: str, webhook_id: str) -> Webhook:
    webhook = repo.get(tenant_id, webhook_id)
    if webhook is None:
        raise NotFound(f"Webhook {webhook_id} was not found.")
    return webhook


def list_webhooks(repo: WebhookRepository, tenant_id: str, limit: int, cursor: str | None) -> WebhookPage:
    page, next_cursor = repo.page(tenant_id, limit, cursor)
    return WebhookPage(webhooks=page, next_cursor=next_cursor)


def update_webhook(
    repo: WebhookRepository, tenant_id: str, webhook_id: str, request: UpdateWebhookRequest, allow_insecure: bool
) -> Webhook:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    changes: dict[str, Any] = {"updated_at": iso_now()}
    if request.url is not None:
        changes["url"] = _vetted(str(request.url), allow_insecure)
    if request.events is not None:
        changes["events"] = sorted(set(request.events))
    if request.description is not None:
        changes["description"] = request.description
    if request.enabled is not None:
        changes |= {"enabled": request.enabled, "disabled_reason": None if request.enabled else "disabled by request"}
    updated = webhook.model_copy(update=changes)
    repo.put(updated, must_exist=True)
    return updated


def delete_webhook(repo: WebhookRepository, store: SecretStore, tenant_id: str, webhook_id: str) -> Webhook:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    repo.delete(webhook)
    store.delete(webhook.secret_parameter, webhook.previous_secret_parameter)
    return webhook


def rotate_secret(repo: WebhookRepository, store: SecretStore, tenant_id: str, webhook_id: str) -> CreatedWebhook:
    """A new secret; for 24 hours every delivery carries signatures with both."""
    webhook = get_webhook(repo, tenant_id, webhook_id)
    secret, now = new_secret(), utcnow()
    store.delete(webhook.previous_secret_parameter)
    rotated = webhook.model_copy(
        update={
            "secret_parameter": store.put(webhook_id, new_id("v"), secret),
            "previous_secret_parameter": webhook.secret_parameter,
            "previous_secret_expires_at": to_iso(now + ROTATION_OVERLAP),
            "secret_rotated_at": to_iso(now),
            "updated_at": to_iso(now),
        }
    )
    repo.put(rotated, must_exist=True)
    return CreatedWebhook(webhook=rotated, secret=secret)


def send_test(repo: WebhookRepository, events: EventPublisher, tenant_id: str, webhook_id: str) -> Event:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    event = new_event("webhook.test", {"webhookId": webhook.id, "message": "This is a test event."})
    events.publish(tenant_id, [event], webhook_id=webhook.id)
    return event


def list_deliveries(
    repo: WebhookRepository, tenant_id: str, webhook_id: str, limit: int, cursor: str | None
) -> DeliveryPage:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    page, next_cursor = repo.deliveries(tenant_id, webhook.id, limit, cursor)
    return DeliveryPage(deliveries=page, next_cursor=next_cursor)


def redeliver(
    repo: WebhookRepository, events: EventPublisher, tenant_id: str, webhook_id: str, delivery_id: str
) -> Delivery:
    """Send the same delivery again: same webhook-id, so receivers can tell it is the same one."""
    webhook = get_webhook(repo, tenant_id, webhook_id)
    delivery = repo.get_delivery(webhook.id, delivery_id)
    if delivery is None:
        raise NotFound(f"Delivery {delivery_id} was not found.")
    pending = delivery.model_copy(update={"status": "pending", "next_attempt_at": iso_now(), "updated_at": iso_now()})
    repo.put_delivery(pending)
    events.schedule(DeliveryMessage(tenant_id=tenant_id, webhook_id=webhook.id, delivery_id=delivery.id), 0)
    return pending


@dataclass(frozen=True)
class SenderPolicy:
    retry_schedule: tuple[float, ...]
    jitter: float
    timeout_seconds: float
    allow_insecure: bool


@dataclass(frozen=True)
class Sender:
    repo: WebhookRepository
    store: SecretStore
    events: EventPublisher
    policy: SenderPolicy
    sqs: Any
    dead_letter_queue_url: str

    def process(self, body: dict[str, Any]) -> None:
        if body.get("kind") == "delivery":
            self._continue(DeliveryMessage.model_validate(body))
        else:
            self._fan_out(EventMessage.model_validate(body))

    def _fan_out(self, message: EventMessage) -> None:
        for webhook in self.repo.all(message.tenant_id):
            wanted = (
                webhook.id == message.webhook_id
                if message.webhook_id
                else subscribed(webhook.events, message.event.type)
            )
            if not wanted or not webhook.enabled:
                continue
            # Deterministic per (event, webhook): a fan-out retried by SQS does not deliver twice.
            delivery_id = "msg_" + hashlib.sha256(f"{message.event.id}/{webhook.id}".encode()).hexdigest()[:24]
            if self.repo.get_delivery(webhook.id, delivery_id) is not None:
                continue
            now = iso_now()
            delivery = Delivery(
                id=delivery_id,
                webhook_id=webhook.id,
                tenant_id=webhook.tenant_id,
                event=message.event,
                created_at=now,
                updated_at=now,
            )
            self.repo.put_delivery(delivery)
            self._attempt(delivery, webhook)

    def _continue(self, message: DeliveryMessage) -> None:
        wait = message.not_before - time.time()
        if wait > 1:
            self.events.schedule(message, wait)  # a wait longer than SQS allows: one more hop
            return
        delivery = self.repo.get_delivery(message.webhook_id, message.delivery_id)
        webhook = self.repo.get(message.tenant_id, message.webhook_id)
        if delivery is None:
            return
        if webhook is None or not webhook.enabled:
            self._give_up(delivery, "the subscription is disabled or deleted")
            return
        self._attempt(delivery, webhook)

    def _secrets(self, webhook: Webhook) -> list[str]:
        live = [self.store.get(webhook.secret_parameter)]
        previous, ends = webhook.previous_secret_parameter, webhook.previous_secret_expires_at
        if previous and ends and utcnow() < parse_iso(ends):
            live.append(self.store.get(previous))
        return live

    def _attempt(self, delivery: Delivery, webhook: Webhook) -> None:
        body = json.dumps(delivery.event.to_json_dict(), separators=(",", ":"))
        timestamp = datetime.now(UTC).replace(microsecond=0)
        headers = {
            "content-type": "application/json",
            "user-agent": "knowledge-base-webhooks/1",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": sign(self._secrets(webhook), delivery.id, timestamp, body),
        }
        result = post(webhook.url, body.encode(), headers, self.policy.timeout_seconds, self.policy.allow_insecure)
        attempt = Attempt(
            at=iso_now(),
            status_code=result.status,
            latency_ms=result.latency_ms,
            error=result.error,
            response_body=result.body,
        )
        delivery = delivery.model_copy(update={"attempts": [*delivery.attempts, attempt], "updated_at": iso_now()})
        if result.succeeded:
            count("WebhookDelivered")
            self.repo.put_delivery(delivery.model_copy(update={"status": "succeeded", "next_attempt_at": None}))
            return
        if result.status == 410:
            disabled = webhook.model_copy(
                update={"enabled": False, "disabled_reason": "the receiver answered 410 Gone"}
            )
            self.repo.put(disabled, must_exist=True)
            self._give_up(delivery, "410 Gone: the subscription was disabled")
            return
        failures = sum(1 for a in delivery.attempts if not (a.status_code and 200 <= a.status_code < 300))
        schedule = self.policy.retry_schedule
        if failures > len(schedule):
            self._give_up(delivery, "every attempt failed")
            return
        delay = schedule[failures - 1] * (1 + random.uniform(-self.policy.jitter, self.policy.jitter))  # noqa: S311
        if result.status in (429, 503) and result.retry_after is not None:
            delay = max(delay, result.retry_after)
        self.repo.put_delivery(
            delivery.model_copy(update={"next_attempt_at": to_iso(utcnow() + timedelta(seconds=delay))})
        )
        message = DeliveryMessage(
            tenant_id=delivery.tenant_id, webhook_id=webhook.id, delivery_id=delivery.id, not_before=time.time() + delay
        )
        self.events.schedule(message, delay)

    def _give_up(self, delivery: Delivery, reason: str) -> None:
        """Marked failed and dead-lettered: nothing is dropped silently."""
        failed = delivery.model_copy(update={"status": "failed", "next_attempt_at": None, "updated_at": iso_now()})
        self.repo.put_delivery(failed)
        self.sqs.send_message(
            QueueUrl=self.dead_letter_queue_url,
            MessageBody=json.dumps({"reason": reason, "delivery": failed.to_json_dict()}),
        )
        logger.warning("webhook delivery failed", extra={"delivery_id": delivery.id, "reason": reason})
        count("WebhookDeliveryFailed")
