"""GET /api/v1/sources/{sourceId}/runs/{runId} (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.publishing import run_repository
from kb.runs.models import RunEnvelope
from kb.runs.repository import RunRepository
from kb.runs.service import get_run as find_run
from kb.sources.models import Source

router = APIRouter()


@router.get("/v1/sources/{sourceId}/runs/{runId}", response_model=RunEnvelope, responses=ERROR_RESPONSES, tags=["runs"])
def get_run(
    run_id: Annotated[str, Path(alias="runId")],
    source: Annotated[Source, Depends(source_for("read"))],
    runs: Annotated[RunRepository, Depends(run_repository)],
) -> RunEnvelope:
    return RunEnvelope(run=find_run(runs, source, run_id))


app = build_app(router)
handler = make_handler(app)
