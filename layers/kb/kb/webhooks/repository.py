"""Subscriptions live under WEBHOOKS#<tenant>, deliveries under WEBHOOK#<id>: partitions of their
own, so the sender's IAM policy can reach them and nothing else (dynamodb:LeadingKeys)."""

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.storage import Table
from kb.webhooks.models import Delivery, Webhook


class WebhookGone(Exception):
    pass


class WebhookRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _record(webhook: Webhook) -> dict:
        return {
            "pk": f"WEBHOOKS#{webhook.tenant_id}",
            "sk": f"WEBHOOK#{webhook.id}",
            **webhook.to_json_dict(),
            "secretParameter": webhook.secret_parameter,
            "previousSecretParameter": webhook.previous_secret_parameter,
        }

    def put(self, webhook: Webhook, must_exist: bool = False) -> None:
        try:
            self.table.put(self._record(webhook), condition="attribute_exists(pk)" if must_exist else None)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise WebhookGone() from error
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

    def delete(self, webhook: Webhook) -> None:
        self.table.delete(f"WEBHOOKS#{webhook.tenant_id}", f"WEBHOOK#{webhook.id}")

    def put_delivery(self, delivery: Delivery) -> None:
        self.table.put(
            {"pk": f"WEBHOOK#{delivery.webhook_id}", "sk": f"DELIVERY#{delivery.id}", **delivery.to_json_dict()}
        )

    def get_delivery(self, webhook_id: str, delivery_id: str) -> Delivery | None:
        record = self.table.get(f"WEBHOOK#{webhook_id}", f"DELIVERY#{delivery_id}")
        return Delivery.model_validate(record) if record else None

    def deliveries(
        self, tenant_id: str, webhook_id: str, limit: int, cursor: str | None
    ) -> tuple[list[Delivery], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"WEBHOOK#{webhook_id}",
            "DELIVERY#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"deliveries:{webhook_id}"),
        )
        return [Delivery.model_validate(r) for r in records], next_cursor
