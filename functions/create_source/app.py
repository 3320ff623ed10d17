"""POST /api/v1/sources: create a source (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SourcesDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import Principal
from kb.sources.models import CreateSourceRequest, SourceEnvelope
from kb.sources.service import create_source as create

router = APIRouter()


@router.post(
    "/v1/sources",
    status_code=201,
    response_model=SourceEnvelope,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["sources"],
)
def create_source(
    body: CreateSourceRequest,
    principal: Annotated[Principal, Depends(require_scope("write"))],
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        principal.tenant_id, lambda: (201, SourceEnvelope(source=create(sources, principal.tenant_id, body)))
    )


app = build_app(router)
handler = make_handler(app)
