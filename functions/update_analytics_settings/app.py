"""PATCH /api/v1/analytics/settings (admin scope): query logging (full, redacted, off) and how
many days a query log entry is kept. Warm functions see a change within a minute."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.analytics.models import AnalyticsSettingsEnvelope, UpdateAnalyticsSettingsRequest
from kb.analytics.repository import AnalyticsRepository
from kb.http.analytics import AnalyticsDep
from kb.http.app import build_app, make_handler
from kb.http.deps import json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import Principal

router = APIRouter()


@router.patch(
    "/v1/analytics/settings",
    response_model=AnalyticsSettingsEnvelope,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(4 * 1024))],
    tags=["analytics"],
)
def update_analytics_settings(
    body: UpdateAnalyticsSettingsRequest,
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    analytics: AnalyticsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(principal.tenant_id, lambda: (200, _update(analytics, principal.tenant_id, body)))


def _update(
    analytics: AnalyticsRepository, tenant_id: str, body: UpdateAnalyticsSettingsRequest
) -> AnalyticsSettingsEnvelope:
    settings = analytics.settings(tenant_id).model_copy(update=body.model_dump(exclude_unset=True))
    analytics.save_settings(tenant_id, settings)
    return AnalyticsSettingsEnvelope(settings=settings)


app = build_app(router)
handler = make_handler(app)
