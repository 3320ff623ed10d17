"""DELETE /api/v1/admin/keys/{keyId}: revoke; the key then answers key_revoked (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import key_repository, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import KeyEnvelope, Principal
from kb.keys.repository import KeyRepository
from kb.keys.service import revoke_key as revoke

router = APIRouter()


@router.delete(
    "/v1/admin/keys/{keyId}", response_model=KeyEnvelope, responses=error_responses(mutation=True), tags=["keys"]
)
def revoke_key(
    key_id: Annotated[str, Path(alias="keyId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        principal.tenant_id, lambda: (200, KeyEnvelope(key=revoke(keys, principal.tenant_id, key_id)))
    )


app = build_app(router)
handler = make_handler(app)
