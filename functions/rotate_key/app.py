"""POST /api/v1/admin/keys/{keyId}/rotate: a new secret, shown once; the old one keeps working
for overlapSeconds (default 24 h), then answers key_expired (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, json_body, key_repository, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import CreatedKey, Principal, RotateKeyRequest
from kb.keys.repository import KeyRepository
from kb.keys.service import rotate_key as rotate

router = APIRouter()


@router.post(
    "/v1/admin/keys/{keyId}/rotate",
    response_model=CreatedKey,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["keys"],
)
def rotate_key(
    key_id: Annotated[str, Path(alias="keyId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
    idempotency: IdempotencyDep,
    body: Annotated[RotateKeyRequest | None, Body()] = None,
) -> JSONResponse:
    overlap = (body or RotateKeyRequest()).overlap_seconds
    return idempotency.run(principal.tenant_id, lambda: (200, rotate(keys, principal.tenant_id, key_id, overlap)))


app = build_app(router)
handler = make_handler(app)
