"""GET /api/v1/sources/{sourceId}/items/{externalItemId}: one staged item and where it stands
(staged, published in which generation, or failed) (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.autopublish.status import publication_of
from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.staging import ItemsDep
from kb.items.models import ItemEnvelope
from kb.items.service import get_item as find_item
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/items/{externalItemId}",
    response_model=ItemEnvelope,
    responses=ERROR_RESPONSES,
    tags=["items"],
)
def get_item(
    external_item_id: Annotated[str, Path(alias="externalItemId")],
    source: Annotated[Source, Depends(source_for("read"))],
    items: ItemsDep,
    blobs: BlobsDep,
) -> ItemEnvelope:
    item = find_item(items, source, external_item_id)
    return ItemEnvelope(item=item, publication=publication_of(blobs, source, item))


app = build_app(router)
handler = make_handler(app)
