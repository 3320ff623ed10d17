"""GET /api/v1/sources/{sourceId}/generations/{generationId}/evaluation: the evaluation report of
a generation applied with a gate (read scope); 404 not_evaluated for one applied without."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.evaluation.gating import get_report
from kb.evaluation.models import EvaluationEnvelope
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import error_responses
from kb.http.evaluation import EvaluationDep
from kb.http.publishing import GenerationsDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/generations/{generationId}/evaluation",
    response_model=EvaluationEnvelope,
    responses=error_responses(s404="not_evaluated"),
    tags=["generations"],
)
def get_generation_evaluation(
    generation_id: Annotated[str, Path(alias="generationId")],
    source: Annotated[Source, Depends(source_for("read"))],
    evaluation: EvaluationDep,
    generations: GenerationsDep,
) -> EvaluationEnvelope:
    return EvaluationEnvelope(evaluation=get_report(evaluation, generations, source, generation_id))


app = build_app(router)
handler = make_handler(app)
