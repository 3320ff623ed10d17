"""GET /api/v1/webhooks/{webhookId} (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.http.webhooks import WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import WebhookEnvelope
from kb.webhooks.service import get_webhook as find

router = APIRouter()


@router.get("/v1/webhooks/{webhookId}", response_model=WebhookEnvelope, responses=ERROR_RESPONSES, tags=["webhooks"])
def get_webhook(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
) -> WebhookEnvelope:
    return WebhookEnvelope(webhook=find(webhooks, principal.tenant_id, webhook_id))


app = build_app(router)
handler = make_handler(app)
