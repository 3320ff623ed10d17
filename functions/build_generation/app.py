"""Task of the apply state machine: build the generation's chunks and manifest in S3."""

from typing import Any

from kb.generations.models import ApplyTask
from kb.generations.service import build_generation
from kb.http.app import make_task_handler
from kb.tasks import task_context


def build(event: dict[str, Any]) -> dict[str, Any]:
    ctx = task_context()
    result = build_generation(
        ApplyTask.model_validate(event), ctx.items, ctx.blobs, ctx.settings.chunk_size, ctx.settings.chunk_overlap
    )
    return result.to_json_dict()


handler = make_task_handler(build)
