"""GET /api/v1/sources/{sourceId}/runs/{runId}/changes: each changed externalItemId and its
change, cursor-paged (read scope). Unchanged items are not listed (counts.unchanged has them).
409 run_expired once the run's plan has expired (RunPlanRetentionDays)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, CursorQuery, CursorsDep, SettingsDep, SourceClockDep, source_for
from kb.http.errors import error_responses
from kb.http.publishing import RunsDep
from kb.runs.models import ChangePage
from kb.runs.service import list_changes
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/runs/{runId}/changes",
    response_model=ChangePage,
    responses=error_responses(s400="invalid_cursor", s409="run_expired"),
    tags=["runs"],
)
def list_run_changes(
    run_id: Annotated[str, Path(alias="runId")],
    source: Annotated[Source, Depends(source_for("read"))],
    runs: RunsDep,
    blobs: BlobsDep,
    cursors: CursorsDep,
    clock: SourceClockDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: CursorQuery = None,
) -> ChangePage:
    return list_changes(runs, blobs, cursors, source, run_id, limit, cursor, clock, settings.run_plan_retention_days)


app = build_app(router)
handler = make_handler(app)
