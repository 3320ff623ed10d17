"""Subscriptions live under WEBHOOKS#<tenant>, deliveries under WEBHOOK#<id>: partitions of their
own, so the sender's IAM policy can reach them and nothing else (dynamodb:LeadingKeys).
A subscription is rewritten only over the version that was read (see Webhook.version)."""

from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.ids import iso_now
from kb.storage import Table
from kb.webhooks.models import Attempt, Delivery, DeliveryStatus, Webhook

# A filtered listing reads at most this many pages before answering with a cursor.
MAX_FILTERED_READS = 10

_MAX_DISABLE_ATTEMPTS = 5


class WebhookChanged(Exception):
    """The subscription changed, or was deleted, between our read and our write."""


def _key(tenant_id: str, webhook_id: str) -> dict[str, str]:
    return {"pk": f"WEBHOOKS#{tenant_id}", "sk": f"WEBHOOK#{webhook_id}"}


def _unchanged(webhook: Webhook) -> dict[str, Any]:
    """The condition that the stored subscription is still the version `webhook` was read at
    (records written before versions existed have none: they are version 0)."""
    if webhook.version == 0:
        return {
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(#version)",
            "ExpressionAttributeNames": {"#version": "version"},
        }
    return {
        "ConditionExpression": "#version = :expected",
        "ExpressionAttributeNames": {"#version": "version"},
        "ExpressionAttributeValues": {":expected": webhook.version},
    }


class WebhookRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _record(webhook: Webhook, version: int) -> dict:
        return {
            **_key(webhook.tenant_id, webhook.id),
            **webhook.to_json_dict(),
            "secretParameter": webhook.secret_parameter,
            "previousSecretParameter": webhook.previous_secret_parameter,
            "version": version,
        }

    def create(self, webhook: Webhook) -> Webhook:
        self.table.put(self._record(webhook, 1), condition="attribute_not_exists(pk)")
        return webhook.model_copy(update={"version": 1})

    def replace(self, webhook: Webhook) -> Webhook:
        """Write `webhook` over the version it was read at; WebhookChanged if that is gone."""
        self._conditional({"Put": {"Item": self._record(webhook, webhook.version + 1), **_unchanged(webhook)}})
        return webhook.model_copy(update={"version": webhook.version + 1})

    def delete(self, webhook: Webhook) -> None:
        """Delete the subscription only if it is still the version it was read at."""
        self._conditional({"Delete": {"Key": _key(webhook.tenant_id, webhook.id), **_unchanged(webhook)}})

    def disable(self, webhook: Webhook, reason: str) -> None:
        """Turn a subscription off over whatever else changed meanwhile (a rotation, an update):
        rewritten over the version read, read again on a conflict; nothing to do once deleted.
        A conditional put, not an UpdateItem: the sender's IAM policy allows PutItem only."""
        current: Webhook | None = webhook
        for _ in range(_MAX_DISABLE_ATTEMPTS):
            if current is None:
                return
            disabled = current.model_copy(update={"enabled": False, "disabled_reason": reason, "updated_at": iso_now()})
            try:
                self.replace(disabled)
                return
            except WebhookChanged:
                current = self.get(webhook.tenant_id, webhook.id)
        raise RuntimeError("the subscription kept changing while being disabled")

    def _conditional(self, operation: dict[str, Any]) -> None:
        try:
            self.table.transact_items([operation])
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise WebhookChanged() from error
            raise

    def get(self, tenant_id: str, webhook_id: str) -> Webhook | None:
        record = self.table.get(f"WEBHOOKS#{tenant_id}", f"WEBHOOK#{webhook_id}")
        return Webhook.model_validate(record) if record else None

    def all(self, tenant_id: str) -> list[Webhook]:
        return [Webhook.model_validate(r) for r in self.table.query_all(f"WEBHOOKS#{tenant_id}", "WEBHOOK#")]

    def page(self, tenant_id: str, limit: int | None, cursor: str | None) -> tuple[list[Webhook], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"WEBHOOKS#{tenant_id}", "WEBHOOK#", limit, cursor, listing=Listing(tenant_id, "webhooks")
        )
        return [Webhook.model_validate(r) for r in records], next_cursor


class DeliveryLog:
    """Each delivery with its attempts. Writers may race (a message SQS delivers twice, a redeliver
    during an attempt): attempts are appended atomically and a settled delivery is not reopened
    except by an explicit redeliver."""

    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _key(webhook_id: str, delivery_id: str) -> tuple[str, str]:
        return f"WEBHOOK#{webhook_id}", f"DELIVERY#{delivery_id}"

    def create(self, delivery: Delivery) -> bool:
        """Record a new delivery; False when it exists already (the fan-out ran before)."""
        pk, sk = self._key(delivery.webhook_id, delivery.id)
        try:
            self.table.put({"pk": pk, "sk": sk, **delivery.to_json_dict()}, condition="attribute_not_exists(pk)")
        except ClientError as error:
            if self.table.is_condition_failure(error):
                return False
            raise
        return True

    def get(self, webhook_id: str, delivery_id: str) -> Delivery | None:
        record = self.table.get(*self._key(webhook_id, delivery_id))
        return Delivery.model_validate(record) if record else None

    def record_attempt(
        self,
        delivery: Delivery,
        attempt: Attempt,
        status: DeliveryStatus,
        next_attempt_at: str | None,
    ) -> Delivery:
        """Append the attempt and move the delivery to `status` in one write. Only a pending
        delivery changes status on a failure (a duplicate's failure never hides a success)."""
        pk, sk = self._key(delivery.webhook_id, delivery.id)
        appended = "attempts = list_append(if_not_exists(attempts, :none), :attempt), updatedAt = :now"
        values = {":none": [], ":attempt": [attempt.to_json_dict()], ":now": attempt.at}
        settle = f"SET {appended}, #status = :status" + (", nextAttemptAt = :next" if next_attempt_at else "")
        settle += "" if next_attempt_at else " REMOVE nextAttemptAt"
        settle_values = {**values, ":status": status, **({":next": next_attempt_at} if next_attempt_at else {})}
        condition = "attribute_exists(pk)" if status == "succeeded" else "#status = :pending"
        if status != "succeeded":
            settle_values[":pending"] = "pending"
        try:
            record = self.table.update_returning(
                pk, sk, settle, condition=condition, names={"#status": "status"}, values=settle_values
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            record = self.table.update_returning(pk, sk, f"SET {appended}", "attribute_exists(pk)", values=values)
        return Delivery.model_validate(record)

    def settle_failed(self, delivery: Delivery) -> None:
        """Failed without another attempt (the subscription is gone or disabled)."""
        pk, sk = self._key(delivery.webhook_id, delivery.id)
        try:
            self.table.update(
                pk,
                sk,
                "SET #status = :failed, updatedAt = :now REMOVE nextAttemptAt",
                "#status = :pending",
                names={"#status": "status"},
                values={":failed": "failed", ":pending": "pending", ":now": iso_now()},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise

    def reopen(self, webhook_id: str, delivery_id: str, now: str) -> Delivery | None:
        """Pending again, for a redeliver; None when there is no such delivery."""
        pk, sk = self._key(webhook_id, delivery_id)
        try:
            record = self.table.update_returning(
                pk,
                sk,
                "SET #status = :pending, nextAttemptAt = :now, updatedAt = :now",
                "attribute_exists(pk)",
                names={"#status": "status"},
                values={":pending": "pending", ":now": now},
            )
        except ClientError as error:
            if self.table.is_condition_failure(error):
                return None
            raise
        return Delivery.model_validate(record)

    def page(
        self, tenant_id: str, webhook_id: str, limit: int, cursor: str | None, status: DeliveryStatus | None = None
    ) -> tuple[list[Delivery], str | None]:
        """Newest first (delivery ids start with their event's time). With a status, pages are
        read until `limit` match, the partition ends or MAX_FILTERED_READS pages were read."""
        listing = Listing(tenant_id, f"deliveries:{webhook_id}")
        if status is None:
            records, next_cursor = self.table.query_prefix(
                f"WEBHOOK#{webhook_id}", "DELIVERY#", limit, cursor, newest_first=True, listing=listing
            )
            return [Delivery.model_validate(r) for r in records], next_cursor
        found: list[Delivery] = []
        for _ in range(MAX_FILTERED_READS):
            records, cursor = self.table.query_prefix(
                f"WEBHOOK#{webhook_id}",
                "DELIVERY#",
                limit - len(found),
                cursor,
                newest_first=True,
                filter_expression="#status = :status",
                names={"#status": "status"},
                values={":status": status},
                listing=listing,
            )
            found += [Delivery.model_validate(r) for r in records]
            if not cursor or len(found) >= limit:
                break
        return found, cursor
