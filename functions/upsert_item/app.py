"""POST /api/v1/sources/{sourceId}/items: upsert one item into the staging set (write scope).
201 when it was created, 200 when it was updated, restored or is unchanged."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SourcesDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import ItemsDep
from kb.items.models import ItemUpsertResult, UpsertItemRequest
from kb.items.service import upsert_item as upsert
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/items",
    status_code=201,
    response_model=ItemUpsertResult,
    responses={
        200: {"model": ItemUpsertResult, "description": "Updated, restored or unchanged"},
        **error_responses(mutation=True, s409="source_inactive", s413="payload_too_large"),
    },
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["items"],
)
def upsert_item(
    body: UpsertItemRequest,
    source: Annotated[Source, Depends(source_for("write"))],
    items: ItemsDep,
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, ItemUpsertResult]:
        result = upsert(items, sources, source, body)
        return (201 if result.outcome == "created" else 200), result

    return idempotency.run(source.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
