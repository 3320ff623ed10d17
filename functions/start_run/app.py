"""POST /api/v1/sources/{sourceId}/runs: diff the staging set against the last applied state
(write scope). 201 with the finished run, or 202 with a running one to poll."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from kb.http.app import build_app, make_handler
from kb.http.deps import ClientsDep, SettingsDep, run_repository, source_for
from kb.http.errors import ERROR_RESPONSES
from kb.runs.models import RunEnvelope
from kb.runs.repository import RunRepository
from kb.runs.service import start_run as start
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/runs",
    status_code=201,
    response_model=RunEnvelope,
    responses={202: {"model": RunEnvelope, "description": "Still running: poll the run"}, **ERROR_RESPONSES},
    tags=["runs"],
)
def start_run(
    response: Response,
    source: Annotated[Source, Depends(source_for("write"))],
    runs: Annotated[RunRepository, Depends(run_repository)],
    settings: SettingsDep,
    clients: ClientsDep,
) -> RunEnvelope:
    run, finished = start(runs, clients.sfn, settings.run_state_machine_arn, source, settings.execution_wait_seconds)
    response.status_code = 201 if finished else 202
    return RunEnvelope(run=run)


app = build_app(router)
handler = make_handler(app)
