"""GET /api/v1/sources/{sourceId}/files/{fileId}: a file's processing status and, once completed,
where the item it wrote stands (staged, published in which generation, failed) (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.autopublish.status import publication_of
from kb.files.records import FileEnvelope
from kb.files.service import get_file as find_file
from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.files import FilesDep
from kb.http.staging import ItemsDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/files/{fileId}", response_model=FileEnvelope, responses=ERROR_RESPONSES, tags=["files"]
)
def get_file(
    file_id: Annotated[str, Path(alias="fileId")],
    source: Annotated[Source, Depends(source_for("read"))],
    files: FilesDep,
    items: ItemsDep,
    blobs: BlobsDep,
) -> FileEnvelope:
    found = find_file(files, source, file_id)
    if found.status != "completed":
        return FileEnvelope(file=found)
    item = items.get(source.id, found.external_item_id)
    if item is None or item.state == "deleted":
        return FileEnvelope(file=found)
    return FileEnvelope(file=found, publication=publication_of(blobs, source, item))


app = build_app(router)
handler = make_handler(app)
