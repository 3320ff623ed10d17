"""PATCH /api/v1/sources/{sourceId}: change name, graceDays, massDeletionThreshold and/or
publishing (write scope). Switching to auto publishing schedules the publish of what is staged."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SourcesDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import PublishTriggerDep
from kb.sources.models import Source, SourceEnvelope, UpdateSourceRequest
from kb.sources.service import update_source as update

router = APIRouter()


@router.patch(
    "/v1/sources/{sourceId}",
    response_model=SourceEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive"),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["sources"],
)
def update_source(
    body: UpdateSourceRequest,
    source: Annotated[Source, Depends(source_for("write"))],
    sources: SourcesDep,
    trigger: PublishTriggerDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id, lambda: (200, SourceEnvelope(source=update(sources, source, body, trigger)))
    )


app = build_app(router)
handler = make_handler(app)
