"""PATCH /api/v1/webhooks/{webhookId}: url, events, enabled, description (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SettingsDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import UpdateWebhookRequest, WebhookEnvelope
from kb.webhooks.service import update_webhook as update

router = APIRouter()


@router.patch(
    "/v1/webhooks/{webhookId}",
    response_model=WebhookEnvelope,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["webhooks"],
)
def update_webhook(
    body: UpdateWebhookRequest,
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant, insecure = principal.tenant_id, settings.webhook_allow_insecure
    return idempotency.run(
        tenant, lambda: (200, WebhookEnvelope(webhook=update(webhooks, tenant, webhook_id, body, insecure)))
    )


app = build_app(router)
handler = make_handler(app)
