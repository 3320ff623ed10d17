"""DELETE /api/v1/webhooks/{webhookId}: unsubscribe and drop its secrets (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import SecretsDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import WebhookEnvelope
from kb.webhooks.service import delete_webhook as delete

router = APIRouter()


@router.delete(
    "/v1/webhooks/{webhookId}",
    response_model=WebhookEnvelope,
    responses=error_responses(mutation=True),
    tags=["webhooks"],
)
def delete_webhook(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    secrets: SecretsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant = principal.tenant_id
    return idempotency.run(
        tenant, lambda: (200, WebhookEnvelope(webhook=delete(webhooks, secrets, tenant, webhook_id)))
    )


app = build_app(router)
handler = make_handler(app)
