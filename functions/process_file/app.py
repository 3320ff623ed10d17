"""The file pipeline, fed by the files queue (the uploads bucket's ObjectCreated notifications):
each record is one uploaded file to extract and write as an item. Powertools' BatchProcessor
reports exactly the records that failed; a file that cannot be read is not a failed record (it is
recorded as a failed file and its message is done)."""

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from kb import snapstart
from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.scheduler import AutoPublishTrigger, PublishQueue
from kb.aws import get_clients
from kb.composition import adapters
from kb.files.extract import extract
from kb.files.pipeline import FileProcessor
from kb.files.repository import FileRepository
from kb.files.uploads import UploadStore
from kb.items.repository import ItemRepository
from kb.keys.plans import tenant_quotas
from kb.observability import logger, metrics, tracer
from kb.settings import get_settings
from kb.sources.repository import SourceRepository
from kb.storage import Table
from kb.webhooks.events import EventPublisher, retry_failed_records

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
# A failed record (storage unavailable, another upload writing the same item) comes back after this.
RETRY_SECONDS = 5


@lru_cache(maxsize=1)
def file_processor() -> FileProcessor:
    settings, clients = get_settings(), get_clients()
    table = Table(clients.dynamodb, settings.table_name)
    # A processed file is a staging write like any other: an auto-publishing source publishes it.
    trigger = AutoPublishTrigger(
        PublishStateRepository(table), PublishQueue(lambda: clients.sqs, settings.auto_publish_queue_url)
    )
    return FileProcessor(
        files=FileRepository(table),
        sources=SourceRepository(table),
        items=ItemRepository(
            table, adapters().blob_store(clients.s3, settings.bucket_name), trigger, tenant_quotas(table, settings)
        ),
        uploads=UploadStore(clients.s3, settings.uploads_bucket_name),
        events=EventPublisher(clients.sqs, settings.events_queue_url),
        extract=extract,
    )


def record_handler(record: SQSRecord) -> None:
    file_processor().process_message(record.body, record.message_id)


snapstart.install_common()


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    failed = [record.receipt_handle for record in processor.fail_messages if isinstance(record, SQSRecord)]
    retry_failed_records(get_clients().sqs, get_settings().files_queue_url, failed, RETRY_SECONDS)
    return dict(response)
