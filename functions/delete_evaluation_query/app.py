"""DELETE /api/v1/sources/{sourceId}/evaluation/queries/{queryId}: remove one query of the
source's evaluation set and answer what it was (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.evaluation.models import EvaluationQueryEnvelope
from kb.evaluation.sets import delete_query
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import error_responses
from kb.http.evaluation import EvaluationDep
from kb.http.idempotency import IdempotencyDep
from kb.sources.models import Source

router = APIRouter()


@router.delete(
    "/v1/sources/{sourceId}/evaluation/queries/{queryId}",
    response_model=EvaluationQueryEnvelope,
    responses=error_responses(mutation=True),
    tags=["evaluation"],
)
def delete_evaluation_query(
    query_id: Annotated[str, Path(alias="queryId")],
    source: Annotated[Source, Depends(source_for("write"))],
    evaluation: EvaluationDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id,
        lambda: (200, EvaluationQueryEnvelope(query=delete_query(evaluation, source, query_id))),
    )


app = build_app(router)
handler = make_handler(app)
