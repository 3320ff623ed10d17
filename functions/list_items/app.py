"""GET /api/v1/sources/{sourceId}/items: the staging set, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.staging import ItemsDep
from kb.items.models import ItemPage
from kb.items.service import list_items as list_page
from kb.sources.models import Source

router = APIRouter()


@router.get("/v1/sources/{sourceId}/items", response_model=ItemPage, responses=LIST_ERROR_RESPONSES, tags=["items"])
def list_items(
    source: Annotated[Source, Depends(source_for("read"))],
    items: ItemsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> ItemPage:
    return list_page(items, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
