"""The webhook fan-out, fed by the events queue: each event becomes one recorded delivery and one
deliveries-queue message per matching subscription. It never calls a receiver, so it is quick and
no receiver can hold it up. Powertools' BatchProcessor reports exactly the records that failed."""

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
from kb.webhooks.service import FanOut

# Failed records are reported (not raised), so they come back soon via retry_failed_records.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@lru_cache(maxsize=1)
def fan_out() -> FanOut:
    settings, clients = get_settings(), get_clients()
    table = Table(clients.dynamodb, settings.table_name)
    return FanOut(
        repo=WebhookRepository(table),
        log=DeliveryLog(table),
        queue=DeliveryQueue(clients.sqs, settings.webhook_deliveries_queue_url),
    )


def record_handler(record: SQSRecord) -> None:
    fan_out().process(json.loads(record.body))


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
    retry_failed_records(get_clients().sqs, settings.events_queue_url, failed, settings.retry_schedule()[0])
    return dict(response)
