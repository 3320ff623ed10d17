"""GET /api/v1/sources/{sourceId}/items: the staging set, cursor-paged, optionally filtered by
tag, state, last update and words of the title (read scope)."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.staging import ItemsDep
from kb.items.models import ItemFilter, ItemPage, Tag
from kb.items.service import list_items as list_page
from kb.sources.models import Source

router = APIRouter()


@router.get("/v1/sources/{sourceId}/items", response_model=ItemPage, responses=LIST_ERROR_RESPONSES, tags=["items"])
def list_items(
    source: Annotated[Source, Depends(source_for("read"))],
    items: ItemsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
    tag: Annotated[
        list[Tag] | None, Query(max_length=20, description="Items carrying this tag (repeat, up to 20: every one)")
    ] = None,
    state: Annotated[
        Literal["active", "missing"] | None, Query(description="Only active or only tombstoned items")
    ] = None,
    updated_since: Annotated[
        datetime | None, Query(alias="updatedSince", description="Items updated at or after this ISO-8601 time")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Words that must all appear in the title")
    ] = None,
) -> ItemPage:
    item_filter = ItemFilter(tags=tag or [], state=state, updated_since=updated_since, title_query=q)
    return list_page(items, source, limit, cursor, item_filter)


app = build_app(router)
handler = make_handler(app)
