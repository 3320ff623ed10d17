"""DELETE /api/v1/sources/{sourceId}: archive. The source keeps its data, stops serving, and
answers source_inactive to every change (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.sources.models import Source, SourceEnvelope
from kb.sources.service import archive_source as archive

router = APIRouter()


@router.delete(
    "/v1/sources/{sourceId}", response_model=SourceEnvelope, responses=error_responses(mutation=True), tags=["sources"]
)
def archive_source(
    source: Annotated[Source, Depends(source_for("write"))],
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(source.tenant_id, lambda: (200, SourceEnvelope(source=archive(sources, source))))


app = build_app(router)
handler = make_handler(app)
