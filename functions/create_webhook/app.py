"""POST /api/v1/webhooks: subscribe a URL to events; the signing secret is shown once (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SettingsDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import SecretsDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import CreatedWebhook, CreateWebhookRequest
from kb.webhooks.service import create_webhook as create

router = APIRouter()


@router.post(
    "/v1/webhooks",
    status_code=201,
    response_model=CreatedWebhook,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["webhooks"],
)
def create_webhook(
    body: CreateWebhookRequest,
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    secrets: SecretsDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant = principal.tenant_id
    return idempotency.run(
        tenant, lambda: (201, create(webhooks, secrets, tenant, body, settings.webhook_allow_insecure))
    )


app = build_app(router)
handler = make_handler(app)
