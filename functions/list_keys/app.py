"""GET /api/v1/admin/keys: the tenant's keys, never their secrets (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, key_repository, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.keys.models import KeyPage, Principal
from kb.keys.repository import KeyRepository
from kb.keys.service import list_keys as list_page

router = APIRouter()


@router.get("/v1/admin/keys", response_model=KeyPage, responses=LIST_ERROR_RESPONSES, tags=["keys"])
def list_keys(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> KeyPage:
    return list_page(keys, principal.tenant_id, limit, cursor)


app = build_app(router)
handler = make_handler(app)
