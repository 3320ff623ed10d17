"""Task of the apply state machine: combine the built slices into the generation's index and
manifest (invoked without slices, it builds them all itself)."""

from typing import Any

from kb.composition import adapters
from kb.generations.build import combine_build
from kb.generations.models import CombineTask
from kb.http.app import make_task_handler
from kb.search.embeddings import embedding_provider
from kb.tasks import task_context


def build(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), CombineTask.model_validate(event)
    settings = ctx.settings
    embedder = embedding_provider(
        settings.embedding_provider,
        settings.embedding_model_id,
        adapters().bedrock() if settings.embedding_provider == "bedrock" else None,
    )
    result = combine_build(task, ctx.sources, ctx.items, ctx.task_blobs(task.source_id), ctx.generations, embedder)
    return result.to_json_dict()


handler = make_task_handler(build)
