"""POST /api/v1/admin/keys: issue an API key in the caller's tenant (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, json_body, key_repository, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import CreatedKey, CreateKeyRequest, Principal
from kb.keys.repository import KeyRepository
from kb.keys.service import issue_key

router = APIRouter()


@router.post(
    "/v1/admin/keys",
    status_code=201,
    response_model=CreatedKey,
    responses=error_responses(mutation=True, s409="plan_limit_exceeded"),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["keys"],
)
def create_key(
    body: CreateKeyRequest,
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(principal.tenant_id, lambda: (201, issue_key(keys, principal.tenant_id, body)))


app = build_app(router)
handler = make_handler(app)
