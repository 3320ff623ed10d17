"""GET /api/v1/webhooks (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.webhooks import WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import WebhookPage
from kb.webhooks.service import list_webhooks as list_page

router = APIRouter()


@router.get("/v1/webhooks", response_model=WebhookPage, responses=LIST_ERROR_RESPONSES, tags=["webhooks"])
def list_webhooks(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> WebhookPage:
    return list_page(webhooks, principal.tenant_id, limit, cursor)


app = build_app(router)
handler = make_handler(app)
