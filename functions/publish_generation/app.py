"""Task of the apply state machine: publish the built generation with one conditional write."""

from typing import Any

from kb.generations.models import BuildResult
from kb.generations.service import publish_generation
from kb.http.app import make_task_handler
from kb.tasks import task_context


def publish(event: dict[str, Any]) -> dict[str, Any]:
    ctx = task_context()
    result = publish_generation(
        BuildResult.model_validate(event), ctx.sources, ctx.runs, ctx.generations, ctx.blobs, ctx.events
    )
    return result.to_json_dict()


handler = make_task_handler(publish)
