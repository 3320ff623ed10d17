"""POST /api/v1/webhooks/{webhookId}/rotate-secret: a new secret, shown once; for 24 h every delivery\ncarries signatures with both secrets (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import SecretsDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import CreatedWebhook
from kb.webhooks.service import rotate_secret

router = APIRouter()


@router.post(
    "/v1/webhooks/{webhookId}/rotate-secret",
    response_model=CreatedWebhook,
    responses=error_responses(mutation=True),
    tags=["webhooks"],
)
def rotate_webhook_secret(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    secrets: SecretsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant = principal.tenant_id
    return idempotency.run(tenant, lambda: (200, rotate_secret(webhooks, secrets, tenant, webhook_id)))


app = build_app(router)
handler = make_handler(app)
