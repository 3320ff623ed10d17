"""GET /api/v1/sources/{sourceId}/evaluation/queries/{queryId} (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.evaluation.models import EvaluationQueryEnvelope
from kb.evaluation.sets import get_query
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.evaluation import EvaluationDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/evaluation/queries/{queryId}",
    response_model=EvaluationQueryEnvelope,
    responses=ERROR_RESPONSES,
    tags=["evaluation"],
)
def get_evaluation_query(
    query_id: Annotated[str, Path(alias="queryId")],
    source: Annotated[Source, Depends(source_for("read"))],
    evaluation: EvaluationDep,
) -> EvaluationQueryEnvelope:
    return EvaluationQueryEnvelope(query=get_query(evaluation, source, query_id))


app = build_app(router)
handler = make_handler(app)
