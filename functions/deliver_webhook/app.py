"""The webhook sender, fed by the deliveries queue one message at a time: exactly one attempt of
one delivery, within its deadline, so a slow receiver holds up nothing but its own delivery."""

import json
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from kb import snapstart
from kb.aws import get_clients
from kb.observability import logger, metrics, tracer
from kb.settings import get_settings
from kb.storage import Table
from kb.webhooks.events import DeliveryQueue, retry_failed_records
from kb.webhooks.repository import DeliveryLog, WebhookRepository
from kb.webhooks.secrets import SecretStore
from kb.webhooks.service import Sender, SenderPolicy

# Failed records are reported (not raised), so they come back soon via retry_failed_records.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@lru_cache(maxsize=1)
def sender() -> Sender:
    """Built once per sandbox, so the secrets' Parameters cache survives across invocations."""
    settings, clients = get_settings(), get_clients()
    table = Table(clients.dynamodb, settings.table_name)
    return Sender(
        repo=WebhookRepository(table),
        log=DeliveryLog(table),
        store=SecretStore(clients.ssm, settings.webhook_secret_prefix),
        queue=DeliveryQueue(clients.sqs, settings.webhook_deliveries_queue_url),
        policy=SenderPolicy(
            retry_schedule=settings.retry_schedule(),
            jitter=settings.webhook_retry_jitter,
            deadline_seconds=settings.webhook_timeout_seconds,
            allow_insecure=settings.webhook_allow_insecure,
        ),
        sqs=clients.sqs,
        dead_letter_queue_url=settings.webhook_dead_letter_queue_url,
    )


def record_handler(record: SQSRecord) -> None:
    sender().process(json.loads(record.body))


snapstart.install_common()


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    settings = get_settings()
    failed = [record.receipt_handle for record in processor.fail_messages if isinstance(record, SQSRecord)]
    retry_failed_records(get_clients().sqs, settings.webhook_deliveries_queue_url, failed, settings.retry_schedule()[0])
    return dict(response)
