"""POST /api/v1/sources/{sourceId}/items/batch: up to 1000 upserts and deletes, at most 5 MiB,
with a result per operation; one invalid item does not sink the others (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.analytics.recording import note
from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_BATCH_BYTES, SourcesDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import ItemsDep
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, BatchResult
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/items/batch",
    response_model=BatchResult,
    responses=error_responses(mutation=True, s409="source_inactive", s413="payload_too_large"),
    dependencies=[Depends(json_body(MAX_BATCH_BYTES))],
    tags=["items"],
)
def batch_items(
    body: BatchRequest,
    source: Annotated[Source, Depends(source_for("write"))],
    items: ItemsDep,
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(source.tenant_id, lambda: (200, _counted(apply_batch(items, sources, source, body))))


def _counted(result: BatchResult) -> BatchResult:
    note(
        itemsPushed=sum(1 for r in result.results if r.operation == "upsert" and r.outcome not in ("invalid", "failed"))
    )
    return result


app = build_app(router)
handler = make_handler(app)
