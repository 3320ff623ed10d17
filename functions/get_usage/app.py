"""GET /api/v1/analytics/usage (admin scope): requests, the domain's counts and what is stored, by
hour or day, per key or source (docs/analytics.md)."""

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.analytics.models import UsageReport
from kb.analytics.service import GroupBy, time_range, usage_report
from kb.http.analytics import AnalyticsDep, FromQuery, ToQuery
from kb.http.app import build_app, make_handler
from kb.http.deps import TableDep, require_scope
from kb.http.errors import ERROR_RESPONSES
from kb.ids import utcnow
from kb.keys.models import Principal

router = APIRouter()


@router.get("/v1/analytics/usage", response_model=UsageReport, responses=ERROR_RESPONSES, tags=["analytics"])
def get_usage(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    analytics: AnalyticsDep,
    db: TableDep,
    start: FromQuery = None,
    end: ToQuery = None,
    granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "hour",
    group_by: Annotated[GroupBy, Query(alias="groupBy")] = "none",
) -> UsageReport:
    begin, until = time_range(start, end, utcnow().astimezone(UTC))
    return usage_report(
        analytics, db, principal.tenant_id, begin, until, "day" if granularity == "day" else "hour", group_by
    )


app = build_app(router)
handler = make_handler(app)
