"""Task of the apply state machine: mark the build running and cut its change into slices."""

from typing import Any

from kb.generations.build import plan_build
from kb.generations.models import ApplyTask
from kb.http.app import make_task_handler
from kb.tasks import task_context


def plan(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ApplyTask.model_validate(event)
    return plan_build(task, ctx.sources, ctx.task_blobs(task.source_id), ctx.generations).to_json_dict()


handler = make_task_handler(plan)
