"""Task of the apply state machine: build the generation's chunks and manifest in S3."""

from typing import Any

from kb.generations.models import ApplyTask
from kb.generations.service import build_generation
from kb.http.app import make_task_handler
from kb.tasks import task_context
from kb.testhooks import FaultyBlobStore


def build(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ApplyTask.model_validate(event)
    hooks = ctx.hooks(task.source_id)
    blobs = (
        ctx.blobs
        if hooks.fail_build_after_writes is None
        else FaultyBlobStore(ctx.blobs, hooks.fail_build_after_writes)
    )
    result = build_generation(task, ctx.items, blobs, ctx.settings.chunk_size, ctx.settings.chunk_overlap, hooks)
    return result.to_json_dict()


handler = make_task_handler(build)
