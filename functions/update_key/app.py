"""PATCH /api/v1/admin/keys/{keyId}: name, rate-limit windows, source ranges (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, json_body, key_repository, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import KeyEnvelope, Principal, UpdateKeyRequest
from kb.keys.repository import KeyRepository
from kb.keys.service import update_key as update

router = APIRouter()


@router.patch(
    "/v1/admin/keys/{keyId}",
    response_model=KeyEnvelope,
    responses=error_responses(mutation=True, s409="plan_limit_exceeded"),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["keys"],
)
def update_key(
    body: UpdateKeyRequest,
    key_id: Annotated[str, Path(alias="keyId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        principal.tenant_id, lambda: (200, KeyEnvelope(key=update(keys, principal.tenant_id, key_id, body)))
    )


app = build_app(router)
handler = make_handler(app)
