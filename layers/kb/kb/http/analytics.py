"""FastAPI dependencies and parameters of the analytics endpoints (functions/*_analytics*, create_feedback)."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from kb.analytics.repository import AnalyticsRepository
from kb.http.deps import TableDep


def analytics_repository(db: TableDep) -> AnalyticsRepository:
    return AnalyticsRepository(db)


AnalyticsDep = Annotated[AnalyticsRepository, Depends(analytics_repository)]
FromQuery = Annotated[
    datetime | None,
    Query(alias="from", description="Start of the range (ISO 8601, UTC if no offset). Default: 24 hours before `to`"),
]
ToQuery = Annotated[
    datetime | None,
    Query(alias="to", description="End of the range, exclusive; at most 92 days after `from`. Default: now"),
]
