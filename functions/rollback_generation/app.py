"""POST /api/v1/sources/{sourceId}/generations/{generationId}/rollback: republish an earlier
retained generation atomically (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.generations.models import RollbackResult
from kb.generations.service import rollback
from kb.http.app import build_app, make_handler
from kb.http.deps import SourceClockDep, SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import GenerationsDep
from kb.http.webhooks import EventsDep
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/generations/{generationId}/rollback",
    response_model=RollbackResult,
    responses=error_responses(
        mutation=True, s409="source_inactive, apply_in_progress, stale_base, not_rollback_eligible"
    ),
    tags=["generations"],
)
def rollback_generation(
    generation_id: Annotated[str, Path(alias="generationId")],
    source: Annotated[Source, Depends(source_for("write"))],
    clock: SourceClockDep,
    generations: GenerationsDep,
    sources: SourcesDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id, lambda: (200, rollback(generations, sources, source, generation_id, clock, events))
    )


app = build_app(router)
handler = make_handler(app)
