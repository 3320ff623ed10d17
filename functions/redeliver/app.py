"""POST /api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver: send it again, with the same\nwebhook-id (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import DeliveriesDep, DeliveryLogDep, WebhooksDep
from kb.keys.models import Principal
from kb.webhooks.models import DeliveryEnvelope
from kb.webhooks.service import redeliver as send_again

router = APIRouter()


@router.post(
    "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    status_code=202,
    response_model=DeliveryEnvelope,
    responses=error_responses(mutation=True),
    tags=["webhooks"],
)
def redeliver(
    webhook_id: Annotated[str, Path(alias="webhookId")],
    delivery_id: Annotated[str, Path(alias="deliveryId")],
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    webhooks: WebhooksDep,
    log: DeliveryLogDep,
    deliveries: DeliveriesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    tenant = principal.tenant_id
    return idempotency.run(
        tenant,
        lambda: (
            202,
            DeliveryEnvelope(delivery=send_again(webhooks, log, deliveries, tenant, webhook_id, delivery_id)),
        ),
    )


app = build_app(router)
handler = make_handler(app)
