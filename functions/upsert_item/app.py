"""POST /api/v1/sources/{sourceId}/items: upsert one item into the staging set (write scope).
201 when it was created, 200 when it was updated or is unchanged."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from kb.http.app import build_app, make_handler
from kb.http.deps import item_repository, source_for
from kb.http.errors import ERROR_RESPONSES
from kb.items.models import ItemUpsertResult, UpsertItemRequest
from kb.items.repository import ItemRepository
from kb.items.service import upsert_item as upsert
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/items",
    status_code=201,
    response_model=ItemUpsertResult,
    responses={200: {"model": ItemUpsertResult, "description": "Updated or unchanged"}, **ERROR_RESPONSES},
    tags=["items"],
)
def upsert_item(
    body: UpsertItemRequest,
    response: Response,
    source: Annotated[Source, Depends(source_for("write"))],
    items: Annotated[ItemRepository, Depends(item_repository)],
) -> ItemUpsertResult:
    result = upsert(items, source, body)
    response.status_code = 201 if result.outcome == "created" else 200
    return result


app = build_app(router)
handler = make_handler(app)
