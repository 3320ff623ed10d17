"""POST /api/v1/sources/{sourceId}/runs/{runId}/apply: build and publish a generation (write
scope). 200 when published, 202 while the build is still going."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from kb.generations.models import ApplyResult
from kb.generations.service import apply_run as apply
from kb.http.app import build_app, make_handler
from kb.http.deps import ClientsDep, SettingsDep, run_repository, source_for
from kb.http.errors import error_responses
from kb.runs.repository import RunRepository
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/runs/{runId}/apply",
    response_model=ApplyResult,
    responses={
        202: {"model": ApplyResult, "description": "Still building"},
        **error_responses(s409="not_apply_eligible or stale_base", s502="build_failed"),
    },
    tags=["runs"],
)
def apply_run(
    response: Response,
    run_id: Annotated[str, Path(alias="runId")],
    source: Annotated[Source, Depends(source_for("write"))],
    runs: Annotated[RunRepository, Depends(run_repository)],
    settings: SettingsDep,
    clients: ClientsDep,
) -> ApplyResult:
    result = apply(runs, clients.sfn, settings.apply_state_machine_arn, source, run_id, settings.execution_wait_seconds)
    response.status_code = 200 if result.status == "published" else 202
    return result


app = build_app(router)
handler = make_handler(app)
