"""GET /api/v1/train/jobs: the tenant's training jobs, newest first, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.training import TrainingDep
from kb.keys.models import Principal
from kb.training.models import TrainingJobPage
from kb.training.service import list_jobs

router = APIRouter()


@router.get("/v1/train/jobs", response_model=TrainingJobPage, responses=LIST_ERROR_RESPONSES, tags=["training"])
def list_training_jobs(
    principal: Annotated[Principal, Depends(require_scope("read"))],
    jobs: TrainingDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> TrainingJobPage:
    return list_jobs(jobs, principal.tenant_id, limit, cursor)


app = build_app(router)
handler = make_handler(app)
