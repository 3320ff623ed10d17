"""Subscriptions live under WEBHOOKS#<tenant>, deliveries under WEBHOOK#<id>: partitions of their
own, so the sender's IAM policy can reach them and nothing else (dynamodb:LeadingKeys).
A subscription is rewritten only over the version that was read (see Webhook.version)."""

from typing import Any

from botocore.exceptions import ClientError

from kb.ids import iso_now
from kb.storage import Table
from kb.webhooks.models import Delivery, Webhook

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

    def page(self, tenant_id: str, limit: int | None, cursor: str | None) -> tuple[list[Webhook], str | None]:
        records, next_cursor = self.table.query_prefix(f"WEBHOOKS#{tenant_id}", "WEBHOOK#", limit, cursor)
        return [Webhook.model_validate(r) for r in records], next_cursor

    def put_delivery(self, delivery: Delivery) -> None:
        self.table.put(
            {"pk": f"WEBHOOK#{delivery.webhook_id}", "sk": f"DELIVERY#{delivery.id}", **delivery.to_json_dict()}
        )

    def get_delivery(self, webhook_id: str, delivery_id: str) -> Delivery | None:
        record = self.table.get(f"WEBHOOK#{webhook_id}", f"DELIVERY#{delivery_id}")
        return Delivery.model_validate(record) if record else None

    def deliveries(self, webhook_id: str, limit: int, cursor: str | None) -> tuple[list[Delivery], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"WEBHOOK#{webhook_id}", "DELIVERY#", limit, cursor, newest_first=True
        )
        return [Delivery.model_validate(r) for r in records], next_cursor
