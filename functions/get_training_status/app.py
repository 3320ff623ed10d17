"""GET /api/v1/train/status: the latest training job, or the one named by ?jobId=, with its
counted progress (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import require_scope
from kb.http.errors import error_responses
from kb.http.publishing import GenerationsDep
from kb.http.training import TrainingDep
from kb.keys.models import Principal
from kb.training.models import TrainingJobEnvelope
from kb.training.service import get_job

router = APIRouter()


@router.get("/v1/train/status", response_model=TrainingJobEnvelope, responses=error_responses(), tags=["training"])
def get_training_status(
    principal: Annotated[Principal, Depends(require_scope("read"))],
    jobs: TrainingDep,
    generations: GenerationsDep,
    job_id: Annotated[str | None, Query(alias="jobId", max_length=64)] = None,
) -> TrainingJobEnvelope:
    return TrainingJobEnvelope(job=get_job(jobs, generations, principal.tenant_id, job_id))


app = build_app(router)
handler = make_handler(app)
