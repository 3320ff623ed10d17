"""Task of the apply state machine, between build and publish when the apply carries a gate:
evaluate the candidate against the generation serving, and hold it if it regressed too far."""

from typing import Any

from kb.composition import adapters
from kb.evaluation.gating import evaluate_candidate
from kb.evaluation.repository import EvaluationRepository
from kb.generations.models import BuildResult
from kb.http.app import make_task_handler
from kb.search.embeddings import embedding_provider
from kb.tasks import task_context


def evaluate(event: dict[str, Any]) -> dict[str, Any]:
    ctx, build = task_context(), BuildResult.model_validate(event)
    settings = ctx.settings
    embedder = embedding_provider(
        settings.embedding_provider,
        settings.embedding_model_id,
        adapters().bedrock() if settings.embedding_provider == "bedrock" else None,
    )
    verdict = evaluate_candidate(
        build,
        ctx.sources,
        ctx.generations,
        EvaluationRepository(ctx.table),
        ctx.blobs,
        embedder,
        lambda source: ctx.clock(source.id)(),
        ctx.events,
    )
    return {"verdict": verdict}


handler = make_task_handler(evaluate)
