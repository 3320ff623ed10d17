"""GET /api/v1/sources/{sourceId}/runs: newest first, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.publishing import RunsDep
from kb.runs.models import RunPage
from kb.runs.service import list_runs as list_page
from kb.sources.models import Source

router = APIRouter()


@router.get("/v1/sources/{sourceId}/runs", response_model=RunPage, responses=LIST_ERROR_RESPONSES, tags=["runs"])
def list_runs(
    source: Annotated[Source, Depends(source_for("read"))],
    runs: RunsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> RunPage:
    return list_page(runs, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
