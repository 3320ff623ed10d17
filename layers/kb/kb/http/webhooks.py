"""FastAPI dependencies of the webhook endpoints and of the functions that publish events (see
kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.http.deps import ClientsDep, SettingsDep, TableDep
from kb.webhooks.events import DeliveryQueue, EventPublisher
from kb.webhooks.repository import DeliveryLog, WebhookRepository
from kb.webhooks.secrets import SecretStore


def webhook_repository(db: TableDep) -> WebhookRepository:
    return WebhookRepository(db)


def secret_store(settings: SettingsDep, clients: ClientsDep) -> SecretStore:
    return SecretStore(clients.ssm, settings.webhook_secret_prefix)


def event_publisher(settings: SettingsDep, clients: ClientsDep) -> EventPublisher:
    return EventPublisher(clients.sqs, settings.events_queue_url)


def delivery_log(db: TableDep) -> DeliveryLog:
    return DeliveryLog(db)


def delivery_queue(settings: SettingsDep, clients: ClientsDep) -> DeliveryQueue:
    return DeliveryQueue(clients.sqs, settings.webhook_deliveries_queue_url)


WebhooksDep = Annotated[WebhookRepository, Depends(webhook_repository)]
DeliveryLogDep = Annotated[DeliveryLog, Depends(delivery_log)]
DeliveriesDep = Annotated[DeliveryQueue, Depends(delivery_queue)]
SecretsDep = Annotated[SecretStore, Depends(secret_store)]
EventsDep = Annotated[EventPublisher, Depends(event_publisher)]
