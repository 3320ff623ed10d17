"""POST /api/v1/sources/{sourceId}/generations/{generationId}/publish: publish a generation its
evaluation gate held, only while the source still serves the generation it was evaluated against
(write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.evaluation.gating import publish_held
from kb.evaluation.models import HeldDecision
from kb.http.app import build_app, make_handler
from kb.http.deps import SourceClockDep, SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.evaluation import EvaluationDep
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import GenerationsDep
from kb.http.webhooks import EventsDep
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/generations/{generationId}/publish",
    response_model=HeldDecision,
    responses=error_responses(
        mutation=True, s409="source_inactive, generation_not_held, evaluation_stale, apply_in_progress"
    ),
    tags=["generations"],
)
def publish_held_generation(
    generation_id: Annotated[str, Path(alias="generationId")],
    source: Annotated[Source, Depends(source_for("write"))],
    clock: SourceClockDep,
    evaluation: EvaluationDep,
    generations: GenerationsDep,
    sources: SourcesDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id,
        lambda: (200, publish_held(evaluation, generations, sources, source, generation_id, clock(), events)),
    )


app = build_app(router)
handler = make_handler(app)
