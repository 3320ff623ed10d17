"""POST /api/v1/webhooks/{webhookId}/test: send a webhook.test event to this subscription (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import EventsDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import Event
from kb.webhooks.service import send_test

router = APIRouter()


@router.post(
    "/v1/webhooks/{webhookId}/test",
    status_code=202,
    response_model=Event,
    responses=error_responses(mutation=True),
    tags=["webhooks"],
)
def test_webhook(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant = principal.tenant_id
    return idempotency.run(tenant, lambda: (202, send_test(webhooks, events, tenant, webhook_id)))


app = build_app(router)
handler = make_handler(app)
