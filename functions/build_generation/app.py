"""Task of the apply state machine: build the generation's chunks, index segment and manifest in S3."""

from typing import Any

from kb.composition import adapters
from kb.generations.build import build_generation
from kb.generations.models import ApplyTask
from kb.http.app import make_task_handler
from kb.search.embeddings import embedding_provider
from kb.tasks import task_context


def build(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ApplyTask.model_validate(event)
    settings = ctx.settings
    embedder = embedding_provider(
        settings.embedding_provider,
        settings.embedding_model_id,
        adapters().bedrock() if settings.embedding_provider == "bedrock" else None,
    )
    result = build_generation(task, ctx.sources, ctx.items, ctx.task_blobs(task.source_id), ctx.generations, embedder)
    return result.to_json_dict()


handler = make_task_handler(build)
