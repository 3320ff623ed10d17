"""POST /api/v1/sources: create a source (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.http.app import build_app, make_handler
from kb.http.deps import SourcesDep, require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.keys.models import Principal
from kb.sources.models import CreateSourceRequest, SourceEnvelope
from kb.sources.service import create_source as create

router = APIRouter()


@router.post("/v1/sources", status_code=201, response_model=SourceEnvelope, responses=ERROR_RESPONSES, tags=["sources"])
def create_source(
    body: CreateSourceRequest,
    principal: Annotated[Principal, Depends(require_scope("write"))],
    sources: SourcesDep,
) -> SourceEnvelope:
    return SourceEnvelope(source=create(sources, principal.tenant_id, body))


app = build_app(router)
handler = make_handler(app)
