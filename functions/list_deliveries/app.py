"""GET /api/v1/webhooks/{webhookId}/deliveries: every delivery with every attempt, newest first,
optionally only those with one status (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.webhooks import DeliveryLogDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import DeliveryPage, DeliveryStatus
from kb.webhooks.service import list_deliveries as list_page

router = APIRouter()


@router.get(
    "/v1/webhooks/{webhookId}/deliveries",
    response_model=DeliveryPage,
    responses=LIST_ERROR_RESPONSES,
    tags=["webhooks"],
)
def list_deliveries(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    log: DeliveryLogDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries with this status.")] = None,
) -> DeliveryPage:
    return list_page(webhooks, log, principal.tenant_id, webhook_id, limit, cursor, status)


app = build_app(router)
handler = make_handler(app)
