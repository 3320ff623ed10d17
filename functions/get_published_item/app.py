"""GET /api/v1/sources/{sourceId}/items/{externalItemId}/published: the item as the serving
generation publishes it (its text rebuilt from the indexed chunks), what a run's change is compared
with (read scope). 404 when the serving generation does not hold it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, source_for
from kb.http.errors import ERROR_RESPONSES
from kb.items.published import PublishedItemEnvelope, published_item
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/items/{externalItemId}/published",
    response_model=PublishedItemEnvelope,
    responses=ERROR_RESPONSES,
    tags=["items"],
)
def get_published_item(
    external_item_id: Annotated[str, Path(alias="externalItemId")],
    source: Annotated[Source, Depends(source_for("read"))],
    blobs: BlobsDep,
) -> PublishedItemEnvelope:
    return PublishedItemEnvelope(published=published_item(blobs, source, external_item_id))


app = build_app(router)
handler = make_handler(app)
