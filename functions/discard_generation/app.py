"""POST /api/v1/sources/{sourceId}/generations/{generationId}/discard: turn down a generation its
evaluation gate held (write scope); retention removes it later like a failed build."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.evaluation.gating import discard_held
from kb.evaluation.models import HeldDecision
from kb.http.app import build_app, make_handler
from kb.http.deps import SourceClockDep, source_for
from kb.http.errors import error_responses
from kb.http.evaluation import EvaluationDep
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import GenerationsDep
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/generations/{generationId}/discard",
    response_model=HeldDecision,
    responses=error_responses(mutation=True, s409="generation_not_held"),
    tags=["generations"],
)
def discard_generation(
    generation_id: Annotated[str, Path(alias="generationId")],
    source: Annotated[Source, Depends(source_for("write"))],
    clock: SourceClockDep,
    evaluation: EvaluationDep,
    generations: GenerationsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id, lambda: (200, discard_held(evaluation, generations, source, generation_id, clock()))
    )


app = build_app(router)
handler = make_handler(app)
