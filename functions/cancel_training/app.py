"""POST /api/v1/train/cancel: ask a training job (the latest, or {"jobId": ...}) to stop (write
scope). The job is `cancelling` until its machine reaches a safe point, then `cancelled`: every
source is on its previous generation or a complete new one (docs/training.md)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import GenerationsDep
from kb.http.training import TrainingDep
from kb.ids import utcnow
from kb.keys.models import Principal
from kb.training.models import CancelTrainingRequest, TrainingJobEnvelope
from kb.training.service import cancel_training as cancel

router = APIRouter()


@router.post(
    "/v1/train/cancel",
    response_model=TrainingJobEnvelope,
    responses=error_responses(mutation=True, s409="training_not_running"),
    dependencies=[Depends(json_body(4096))],
    tags=["training"],
)
def cancel_training(
    principal: Annotated[Principal, Depends(require_scope("write"))],
    jobs: TrainingDep,
    generations: GenerationsDep,
    idempotency: IdempotencyDep,
    body: CancelTrainingRequest | None = None,
) -> JSONResponse:
    job_id = body.job_id if body else None
    return idempotency.run(
        principal.tenant_id,
        lambda: (200, TrainingJobEnvelope(job=cancel(jobs, generations, principal.tenant_id, job_id, utcnow))),
    )


app = build_app(router)
handler = make_handler(app)
