"""GET /api/v1/analytics/performance (admin scope): latency percentiles and error rates per
endpoint, apply and training durations, from merged histograms (docs/analytics.md)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.analytics.models import PerformanceReport
from kb.analytics.service import performance_report, time_range
from kb.http.analytics import AnalyticsDep, FromQuery, ToQuery
from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.ids import utcnow
from kb.keys.models import Principal

router = APIRouter()


@router.get(
    "/v1/analytics/performance", response_model=PerformanceReport, responses=ERROR_RESPONSES, tags=["analytics"]
)
def get_performance(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    analytics: AnalyticsDep,
    start: FromQuery = None,
    end: ToQuery = None,
    key_id: Annotated[str | None, Query(alias="keyId", max_length=64, description="Only this key's requests")] = None,
) -> PerformanceReport:
    begin, until = time_range(start, end, utcnow())
    return performance_report(analytics, principal.tenant_id, begin, until, key_id)


app = build_app(router)
handler = make_handler(app)
