"""GET /api/v1/sources: the caller's sources, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, SourcesDep, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.keys.models import Principal
from kb.sources.models import SourcePage
from kb.sources.service import list_sources as list_page

router = APIRouter()


@router.get("/v1/sources", response_model=SourcePage, responses=LIST_ERROR_RESPONSES, tags=["sources"])
def list_sources(
    principal: Annotated[Principal, Depends(require_scope("read"))],
    sources: SourcesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> SourcePage:
    return list_page(sources, principal.tenant_id, limit, cursor)


app = build_app(router)
handler = make_handler(app)
