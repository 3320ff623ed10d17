"""POST /api/v1/sources/{sourceId}/runs: diff the staging set against the last applied state
(write scope). 201 with the finished run, or 202 with a queued or running one whose Location is
the run to poll."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.accepted import locate_accepted
from kb.http.app import build_app, make_handler
from kb.http.deps import SettingsDep, WorkflowsDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import RunsDep
from kb.runs.models import RunEnvelope
from kb.runs.service import start_run as start
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/runs",
    status_code=201,
    response_model=RunEnvelope,
    responses={
        202: {
            "model": RunEnvelope,
            "description": "Still queued or running: poll the run named by the Location header",
            "headers": {"Location": {"description": "The run to poll", "schema": {"type": "string"}}},
        },
        **error_responses(mutation=True, s409="source_inactive"),
    },
    tags=["runs"],
)
def start_run(
    source: Annotated[Source, Depends(source_for("write"))],
    runs: RunsDep,
    settings: SettingsDep,
    workflows: WorkflowsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, RunEnvelope]:
        arn, wait = settings.run_state_machine_arn, settings.execution_wait_seconds
        run, finished = start(runs, workflows, arn, source, wait)
        return (201 if finished else 202), RunEnvelope(run=run)

    response = idempotency.run(source.tenant_id, operation)
    return locate_accepted(response, lambda body: f"/v1/sources/{source.id}/runs/{body['run']['id']}")


app = build_app(router)
handler = make_handler(app)
