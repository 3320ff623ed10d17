"""The webhook sender, fed by the events queue: fans events out to subscriptions and delivers
them, with Powertools' BatchProcessor reporting exactly the records that failed."""

import json
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from kb.aws import get_clients
from kb.observability import logger, metrics, tracer
from kb.settings import get_settings
from kb.storage import Table
from kb.webhooks.events import EventPublisher
from kb.webhooks.repository import WebhookRepository
from kb.webhooks.secrets import SecretStore
from kb.webhooks.service import Sender, SenderPolicy

processor = BatchProcessor(event_type=EventType.SQS)


@lru_cache(maxsize=1)
def sender() -> Sender:
    """Built once per sandbox, so the secrets' Parameters cache survives across invocations."""
    settings, clients = get_settings(), get_clients()
    return Sender(
        repo=WebhookRepository(Table(clients.dynamodb, settings.table_name)),
        store=SecretStore(clients.ssm, settings.webhook_secret_prefix),
        events=EventPublisher(clients.sqs, settings.events_queue_url),
        policy=SenderPolicy(
            retry_schedule=settings.retry_schedule(),
            jitter=settings.webhook_retry_jitter,
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_insecure=settings.webhook_allow_insecure,
        ),
        sqs=clients.sqs,
        dead_letter_queue_url=settings.webhook_dead_letter_queue_url,
    )


def record_handler(record: SQSRecord) -> None:
    sender().process(json.loads(record.body))


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(
        process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
    )
