"""GET /api/v1/analytics/settings (admin scope): the tenant's query logging and its retention."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.analytics.models import AnalyticsSettingsEnvelope
from kb.http.analytics import AnalyticsDep
from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.keys.models import Principal

router = APIRouter()


@router.get(
    "/v1/analytics/settings", response_model=AnalyticsSettingsEnvelope, responses=ERROR_RESPONSES, tags=["analytics"]
)
def get_analytics_settings(
    principal: Annotated[Principal, Depends(require_scope("admin"))], analytics: AnalyticsDep
) -> AnalyticsSettingsEnvelope:
    return AnalyticsSettingsEnvelope(settings=analytics.settings(principal.tenant_id))


app = build_app(router)
handler = make_handler(app)
