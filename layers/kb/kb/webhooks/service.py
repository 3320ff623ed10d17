"""Subscriptions (admin API) and the sender's work: fan an event out into one delivery per
matching subscription (FanOut), then attempt each delivery on its own (Sender): record every
attempt, schedule retries, dead-letter what is given up."""

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
from kb.webhooks.delivery import Poster, UnsafeTarget, post, sign, vet_url
from kb.webhooks.events import DeliveryQueue, EventPublisher, new_event
from kb.webhooks.models import (
    Attempt,
    CreatedWebhook,
    CreateWebhookRequest,
    Delivery,
    DeliveryMessage,
    DeliveryPage,
    DeliveryStatus,
    Event,
    EventMessage,
    UpdateWebhookRequest,
    Webhook,
    WebhookPage,
    about_sources,
    subscribed,
)
from kb.webhooks.repository import DeliveryLog, WebhookChanged, WebhookRepository
from kb.webhooks.secrets import SecretStore, new_secret

ROTATION_OVERLAP = timedelta(hours=24)
# Read-modify-writes retry on a concurrent change this many times, each on the newest record.
_MAX_WRITE_ATTEMPTS = 5


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
        retry_schedule=request.retry_schedule,
        source_ids=sorted(set(request.source_ids)) if request.source_ids else None,
        created_at=now,
        updated_at=now,
        secret_parameter=store.put(webhook_id, new_id("v"), secret),
    )
    try:
        created = repo.create(webhook)
    except Exception:
        store.delete(webhook.secret_parameter)  # leave no secret without a subscription
        raise
    return CreatedWebhook(webhook=created, secret=secret)


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
    """Apply the requested changes to the newest version of the subscription."""
    changes: dict[str, Any] = {}
    if request.url is not None:
        changes["url"] = _vetted(str(request.url), allow_insecure)
    if request.events is not None:
        changes["events"] = sorted(set(request.events))
    if request.description is not None:
        changes["description"] = request.description
    if request.retry_schedule is not None:
        changes["retry_schedule"] = request.retry_schedule
    if request.source_ids is not None:
        changes["source_ids"] = sorted(set(request.source_ids)) or None
    if request.enabled is not None:
        changes |= {"enabled": request.enabled, "disabled_reason": None if request.enabled else "disabled by request"}
    for _ in range(_MAX_WRITE_ATTEMPTS):
        webhook = get_webhook(repo, tenant_id, webhook_id)
        try:
            return repo.replace(webhook.model_copy(update={**changes, "updated_at": iso_now()}))
        except WebhookChanged:
            continue
    raise RuntimeError("the subscription kept changing under concurrent updates")


def delete_webhook(repo: WebhookRepository, store: SecretStore, tenant_id: str, webhook_id: str) -> Webhook:
    """Delete the version read (so a concurrent rotation's secret is not orphaned), then its secrets."""
    for _ in range(_MAX_WRITE_ATTEMPTS):
        webhook = get_webhook(repo, tenant_id, webhook_id)
        try:
            repo.delete(webhook)
        except WebhookChanged:
            continue
        store.delete(webhook.secret_parameter, webhook.previous_secret_parameter)
        return webhook
    raise RuntimeError("the subscription kept changing under concurrent updates")


def rotate_secret(
    repo: WebhookRepository, store: SecretStore, tenant_id: str, webhook_id: str, now: datetime | None = None
) -> CreatedWebhook:
    """A new secret; for 24 hours every delivery carries signatures with both. The new secret is
    stored first and the subscription rewritten over the version read; only then is the secret
    that dropped out of it deleted. A lost race deletes its own new secret and tries again."""
    now = now or utcnow()
    for _ in range(_MAX_WRITE_ATTEMPTS):
        webhook = get_webhook(repo, tenant_id, webhook_id)
        secret = new_secret()
        parameter = store.put(webhook_id, new_id("v"), secret)
        rotated = webhook.model_copy(
            update={
                "secret_parameter": parameter,
                "previous_secret_parameter": webhook.secret_parameter,
                "previous_secret_expires_at": to_iso(now + ROTATION_OVERLAP),
                "secret_rotated_at": to_iso(now),
                "updated_at": to_iso(now),
            }
        )
        try:
            written = repo.replace(rotated)
        except WebhookChanged:
            store.delete(parameter)
            continue
        store.delete(webhook.previous_secret_parameter)
        return CreatedWebhook(webhook=written, secret=secret)
    raise RuntimeError("the subscription kept changing under concurrent updates")


def send_test(repo: WebhookRepository, events: EventPublisher, tenant_id: str, webhook_id: str) -> Event:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    event = new_event("webhook.test", {"webhookId": webhook.id, "message": "This is a test event."})
    events.publish(tenant_id, [event], webhook_id=webhook.id)
    return event


def list_deliveries(
    repo: WebhookRepository,
    log: DeliveryLog,
    tenant_id: str,
    webhook_id: str,
    limit: int,
    cursor: str | None,
    status: DeliveryStatus | None = None,
) -> DeliveryPage:
    webhook = get_webhook(repo, tenant_id, webhook_id)
    page, next_cursor = log.page(tenant_id, webhook.id, limit, cursor, status)
    return DeliveryPage(deliveries=page, next_cursor=next_cursor)


def redeliver(
    repo: WebhookRepository, log: DeliveryLog, queue: DeliveryQueue, tenant_id: str, webhook_id: str, delivery_id: str
) -> Delivery:
    """Send the same delivery again: same webhook-id, so receivers can tell it is the same one."""
    webhook = get_webhook(repo, tenant_id, webhook_id)
    pending = log.reopen(webhook.id, delivery_id, iso_now())
    if pending is None:
        raise NotFound(f"Delivery {delivery_id} was not found.")
    queue.enqueue(DeliveryMessage(tenant_id=tenant_id, webhook_id=webhook.id, delivery_id=delivery_id))
    return pending


def delivery_id_for(event: Event, webhook_id: str) -> str:
    """Deterministic per (event, subscription), so a fan-out SQS runs twice finds its own
    deliveries; led by the event's time in milliseconds, so the log lists newest first."""
    millis = int(parse_iso(event.timestamp).timestamp() * 1000)
    digest = hashlib.sha256(f"{event.id}/{webhook_id}".encode()).hexdigest()[:16]
    return f"msg_{millis:011x}{digest}"


@dataclass(frozen=True)
class FanOut:
    """Events queue -> one recorded delivery and one deliveries-queue message per matching,
    enabled subscription. Attempts happen elsewhere (Sender), one delivery per message."""

    repo: WebhookRepository
    log: DeliveryLog
    queue: DeliveryQueue

    def process(self, body: dict[str, Any]) -> None:
        if body.get("kind") == "delivery":
            # A retry sent to the events queue before deliveries had a queue of their own.
            self.queue.enqueue(DeliveryMessage.model_validate(body))
            return
        message = EventMessage.model_validate(body)
        for webhook in self._subscriptions(message):
            now = iso_now()
            delivery = Delivery(
                id=delivery_id_for(message.event, webhook.id),
                webhook_id=webhook.id,
                tenant_id=webhook.tenant_id,
                event=message.event,
                created_at=now,
                updated_at=now,
            )
            if not self.log.create(delivery):
                existing = self.log.get(webhook.id, delivery.id)
                if existing is None or existing.status != "pending":
                    continue  # settled already: this fan-out ran before and got that far
                # Recorded, but maybe never enqueued (the fan-out died in between): enqueue it again.
                delivery = existing
            not_before = parse_iso(delivery.next_attempt_at).timestamp() if delivery.next_attempt_at else 0.0
            self.queue.enqueue(
                DeliveryMessage(
                    tenant_id=delivery.tenant_id, webhook_id=webhook.id, delivery_id=delivery.id, not_before=not_before
                ),
                max(0.0, not_before - time.time()),
            )

    def _subscriptions(self, message: EventMessage) -> list[Webhook]:
        webhooks = self.repo.all(message.tenant_id)
        return [
            w
            for w in webhooks
            if w.enabled
            and (
                w.id == message.webhook_id
                if message.webhook_id
                else subscribed(w.events, message.event.type) and about_sources(w.source_ids, message.event.data)
            )
        ]


@dataclass(frozen=True)
class SenderPolicy:
    retry_schedule: tuple[float, ...]
    jitter: float
    deadline_seconds: float
    allow_insecure: bool


@dataclass(frozen=True)
class Sender:
    """Deliveries queue -> exactly one attempt of one delivery, within the policy's deadline, then
    the result recorded and the next attempt scheduled (or the delivery given up)."""

    repo: WebhookRepository
    log: DeliveryLog
    store: SecretStore
    queue: DeliveryQueue
    policy: SenderPolicy
    sqs: Any
    dead_letter_queue_url: str
    poster: Poster = post

    def process(self, body: dict[str, Any]) -> None:
        message = DeliveryMessage.model_validate(body)
        wait = message.not_before - time.time()
        if wait > 1:
            self.queue.enqueue(message, wait)  # a wait longer than SQS allows: one more hop
            return
        delivery = self.log.get(message.webhook_id, message.delivery_id)
        if delivery is None or delivery.status != "pending":
            return  # deleted, or settled by an earlier copy of this message
        webhook = self.repo.get(message.tenant_id, message.webhook_id)
        if webhook is None or not webhook.enabled:
            self._give_up(delivery, None, "the subscription is disabled or deleted")
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
        result = self.poster(
            webhook.url, body.encode(), headers, self.policy.deadline_seconds, self.policy.allow_insecure
        )
        attempt = Attempt(
            at=iso_now(),
            status_code=result.status,
            latency_ms=result.latency_ms,
            error=result.error,
            response_body=result.body,
        )
        if result.succeeded:
            count("WebhookDelivered")
            self.log.record_attempt(delivery, attempt, "succeeded", None)
            return
        if result.status == 410:
            self.repo.disable(webhook, "the receiver answered 410 Gone")
            self._give_up(delivery, attempt, "410 Gone: the subscription was disabled")
            return
        failures = 1 + sum(1 for a in delivery.attempts if not (a.status_code and 200 <= a.status_code < 300))
        own = webhook.retry_schedule
        schedule = tuple(float(seconds) for seconds in own) if own is not None else self.policy.retry_schedule
        if failures > len(schedule):
            self._give_up(delivery, attempt, "every attempt failed")
            return
        delay = schedule[failures - 1] * (1 + random.uniform(-self.policy.jitter, self.policy.jitter))  # noqa: S311
        if result.status in (429, 503) and result.retry_after is not None:
            delay = max(delay, result.retry_after)  # parse_retry_after caps it
        not_before = time.time() + delay
        self.log.record_attempt(delivery, attempt, "pending", to_iso(utcnow() + timedelta(seconds=delay)))
        message = DeliveryMessage(
            tenant_id=delivery.tenant_id, webhook_id=webhook.id, delivery_id=delivery.id, not_before=not_before
        )
        self.queue.enqueue(message, delay)

    def _give_up(self, delivery: Delivery, attempt: Attempt | None, reason: str) -> None:
        """Dead-lettered, then marked failed: a crash in between attempts once more and dead-letters
        again, rather than leaving a failed delivery that no one was told about."""
        failed = delivery.model_copy(
            update={
                "status": "failed",
                "attempts": [*delivery.attempts, *([attempt] if attempt else [])],
                "next_attempt_at": None,
                "updated_at": iso_now(),
            }
        )
        self.sqs.send_message(
            QueueUrl=self.dead_letter_queue_url,
            MessageBody=json.dumps({"reason": reason, "delivery": failed.to_json_dict()}),
        )
        if attempt is not None:
            self.log.record_attempt(delivery, attempt, "failed", None)
        else:
            self.log.settle_failed(delivery)
        logger.warning("webhook delivery failed", extra={"delivery_id": delivery.id, "reason": reason})
        count("WebhookDeliveryFailed")
