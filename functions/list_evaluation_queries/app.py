"""GET /api/v1/sources/{sourceId}/evaluation/queries: the source's evaluation set, by query id
(read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.evaluation.models import EvaluationQueryPage
from kb.evaluation.sets import list_queries
from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.evaluation import EvaluationDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/evaluation/queries",
    response_model=EvaluationQueryPage,
    responses=LIST_ERROR_RESPONSES,
    tags=["evaluation"],
)
def list_evaluation_queries(
    source: Annotated[Source, Depends(source_for("read"))],
    evaluation: EvaluationDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> EvaluationQueryPage:
    return list_queries(evaluation, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
