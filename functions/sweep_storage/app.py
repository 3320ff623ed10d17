"""The daily storage sweep (docs/operations.md, "S3 lifecycle"). The schedule's event starts a
walk; every step after it is a message of the sweep queue, so no invocation does more than one
bounded step (a page of tenants, of a tenant's sources, or a few pages of a source's keys) and a
failed step is retried alone."""

import json
from typing import Any

from kb.composition import adapters
from kb.http.app import make_task_handler
from kb.lifecycle.models import SweepTask
from kb.lifecycle.sweep import SweepQueue, sweep_step
from kb.observability import count
from kb.snapshots.repository import SnapshotRepository
from kb.tasks import task_context


def sweep(event: dict[str, Any]) -> dict[str, Any]:
    ctx = task_context()
    queue = SweepQueue(ctx.clients.sqs, ctx.settings.sweep_queue_url)
    if "Records" not in event:  # the schedule (or an operator's invoke): start from the top
        queue.send([SweepTask()])
        return {"queued": 1, "deleted": 0}
    snapshots = SnapshotRepository(ctx.table, ctx.blobs)
    queued = deleted = 0
    for record in event["Records"]:
        result = sweep_step(
            SweepTask.model_validate(json.loads(record["body"])), ctx.blobs, ctx.items, snapshots, adapters().clock
        )
        queue.send(result.follow_ups)
        queued, deleted = queued + len(result.follow_ups), deleted + len(result.deleted)
    count("SweptObjects", deleted)
    return {"queued": queued, "deleted": deleted}


handler = make_task_handler(sweep)
