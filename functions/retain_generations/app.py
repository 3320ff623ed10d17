"""Task of the apply state machine, after publishing: keep the newest N generations."""

from typing import Any

from kb.generations.models import ApplyTask
from kb.generations.service import retain_generations
from kb.http.app import make_task_handler
from kb.tasks import task_context


def retain(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ApplyTask.model_validate(event)
    removed = retain_generations(task, ctx.sources, ctx.generations, ctx.blobs, ctx.settings.generation_retention)
    return {**event, "removedGenerations": removed}


handler = make_task_handler(retain)
