"""POST /api/v1/admin/keys: issue an API key in the caller's tenant (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.http.app import build_app, make_handler
from kb.http.deps import key_repository, require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.keys.models import CreatedKey, CreateKeyRequest, Principal
from kb.keys.repository import KeyRepository
from kb.keys.service import issue_key

router = APIRouter()


@router.post("/v1/admin/keys", status_code=201, response_model=CreatedKey, responses=ERROR_RESPONSES, tags=["keys"])
def create_key(
    body: CreateKeyRequest,
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
) -> CreatedKey:
    return issue_key(keys, principal.tenant_id, body.name, body.scope)


app = build_app(router)
handler = make_handler(app)
