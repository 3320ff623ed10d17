"""Task of the run state machine: diff the staging set against the published generation."""

from typing import Any

from kb.http.app import make_task_handler
from kb.runs.models import RunTask
from kb.runs.service import compute_run
from kb.tasks import task_context


def compute(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), RunTask.model_validate(event)
    run = compute_run(
        task, ctx.sources, ctx.items, ctx.runs, ctx.task_blobs(task.source_id), ctx.clock(task.source_id), ctx.events
    )
    return run.to_json_dict()


handler = make_task_handler(compute)
