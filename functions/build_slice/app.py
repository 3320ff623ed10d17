"""Task of the apply state machine's Map: one slice of a build (chunk documents, embeddings, a segment)."""

from typing import Any

from kb.composition import adapters
from kb.generations.build import build_slice
from kb.generations.models import SliceTask
from kb.http.app import make_task_handler
from kb.search.embeddings import embedding_provider
from kb.tasks import task_context


def build(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), SliceTask.model_validate(event)
    settings = ctx.settings
    embedder = embedding_provider(
        settings.embedding_provider,
        settings.embedding_model_id,
        adapters().bedrock() if settings.embedding_provider == "bedrock" else None,
    )
    result = build_slice(task, ctx.sources, ctx.items, ctx.task_blobs(task.source_id), ctx.generations, embedder)
    return result.to_json_dict()


handler = make_task_handler(build)
