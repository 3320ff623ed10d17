"""The auto-publish worker, fed by the auto-publish queue one message at a time: a source's
debounce window has ended, so run and apply it (through the same domain code as the endpoints),
or, if the source is busy, look again later. Failures are retried with backoff and reported by a
source.publish_failed event (kb.autopublish.worker)."""

import json
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from kb import snapstart
from kb.autopublish.models import PublishMessage
from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.worker import AutoPublisher, PublishSettings
from kb.composition import adapters
from kb.observability import logger, metrics, tracer
from kb.tasks import TaskContext, task_context
from kb.webhooks.events import retry_failed_records

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@lru_cache(maxsize=1)
def shared_context() -> TaskContext:
    return task_context()


def publisher(ctx: TaskContext, source_id: str) -> AutoPublisher:
    settings = ctx.settings
    return AutoPublisher(
        sources=ctx.sources,
        state=PublishStateRepository(ctx.table),
        trigger=ctx.publish_trigger,
        runs=ctx.runs,
        items=ctx.items,
        generations=ctx.generations,
        workflows=adapters().workflows(ctx.clients.sfn),
        events=ctx.events,
        clock=ctx.clock(source_id),
        settings=PublishSettings(
            run_state_machine_arn=settings.run_state_machine_arn,
            apply_state_machine_arn=settings.apply_state_machine_arn,
            wait_seconds=settings.auto_publish_wait_seconds,
            lease_seconds=settings.apply_lease_seconds,
            plan_retention_days=settings.run_plan_retention_days,
            retry_seconds=settings.auto_publish_retry_seconds,
            max_attempts=settings.auto_publish_max_attempts,
            # past the function's timeout (900 s): a worker that died frees the source after it
            worker_seconds=960,
        ),
    )


def record_handler(record: SQSRecord) -> None:
    message = PublishMessage.model_validate(json.loads(record.body))
    outcome = publisher(shared_context(), message.source_id).handle(message)
    logger.info("auto-publish message handled", extra={"source_id": message.source_id, "outcome": outcome})


snapstart.install_common()


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    # A failed record comes back after the retry delay, not the queue's 90-minute visibility timeout.
    ctx = shared_context()
    failed = [record.receipt_handle for record in processor.fail_messages if isinstance(record, SQSRecord)]
    retry_failed_records(
        ctx.clients.sqs, ctx.settings.auto_publish_queue_url, failed, ctx.settings.auto_publish_retry_seconds
    )
    return dict(response)
