"""PUT /api/v1/sources/{sourceId}/evaluation/queries/{queryId}: create or replace one query of the
source's evaluation set (write scope). 201 when created, 200 when replaced."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.evaluation.models import QUERY_ID_PATTERN, EvaluationQueryEnvelope, EvaluationQueryRequest
from kb.evaluation.sets import put_query
from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, json_body, source_for
from kb.http.errors import error_responses
from kb.http.evaluation import EvaluationDep
from kb.http.idempotency import IdempotencyDep
from kb.sources.models import Source

router = APIRouter()


@router.put(
    "/v1/sources/{sourceId}/evaluation/queries/{queryId}",
    status_code=201,
    response_model=EvaluationQueryEnvelope,
    responses={
        200: {"model": EvaluationQueryEnvelope, "description": "Replaced"},
        **error_responses(mutation=True, s409="source_inactive, evaluation_set_full", s413="payload_too_large"),
    },
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["evaluation"],
)
def put_evaluation_query(
    query_id: Annotated[str, Path(alias="queryId", pattern=QUERY_ID_PATTERN)],
    body: EvaluationQueryRequest,
    source: Annotated[Source, Depends(source_for("write"))],
    evaluation: EvaluationDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, EvaluationQueryEnvelope]:
        created, query = put_query(evaluation, source, query_id, body)
        return (201 if created else 200), EvaluationQueryEnvelope(query=query)

    return idempotency.run(source.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
