"""POST /api/v1/train: start a training job over some or all active sources (write scope). 202
with the queued job and a Location to poll; 409 training_in_progress while another runs."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.accepted import locate_accepted
from kb.http.app import build_app, make_handler
from kb.http.deps import SettingsDep, SourcesDep, WorkflowsDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.training import TrainingDep
from kb.http.webhooks import EventsDep
from kb.ids import utcnow
from kb.keys.models import Principal
from kb.training.models import TrainingJobEnvelope, TrainRequest
from kb.training.service import start_training as start

router = APIRouter()


@router.post(
    "/v1/train",
    status_code=202,
    response_model=TrainingJobEnvelope,
    responses={
        202: {
            "model": TrainingJobEnvelope,
            "description": "Started: poll GET /v1/train/status?jobId=... (the Location header)",
            "headers": {"Location": {"description": "The job's status", "schema": {"type": "string"}}},
        },
        **error_responses(mutation=True, s409="source_inactive, training_in_progress"),
    },
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["training"],
)
def start_training(
    principal: Annotated[Principal, Depends(require_scope("write"))],
    jobs: TrainingDep,
    sources: SourcesDep,
    workflows: WorkflowsDep,
    events: EventsDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
    body: TrainRequest | None = None,
) -> JSONResponse:
    request = body or TrainRequest()

    def operation() -> tuple[int, TrainingJobEnvelope]:
        job = start(
            jobs, sources, workflows, settings.train_state_machine_arn, events, principal.tenant_id, request, utcnow
        )
        return 202, TrainingJobEnvelope(job=job)

    response = idempotency.run(principal.tenant_id, operation)
    return locate_accepted(response, lambda body: f"/v1/train/status?jobId={body['job']['id']}")


app = build_app(router)
handler = make_handler(app)
