"""GET /api/v1/admin/keys/{keyId} (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.http.app import build_app, make_handler
from kb.http.deps import key_repository, require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.keys.models import KeyEnvelope, Principal
from kb.keys.repository import KeyRepository
from kb.keys.service import get_key as find_key

router = APIRouter()


@router.get("/v1/admin/keys/{keyId}", response_model=KeyEnvelope, responses=ERROR_RESPONSES, tags=["keys"])
def get_key(
    key_id: Annotated[str, Path(alias="keyId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    keys: Annotated[KeyRepository, Depends(key_repository)],
) -> KeyEnvelope:
    return KeyEnvelope(key=find_key(keys, principal.tenant_id, key_id))


app = build_app(router)
handler = make_handler(app)
