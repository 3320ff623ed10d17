"""GET /api/v1/sources/{sourceId}/files/{fileId}: a file's processing status (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.files.records import FileEnvelope
from kb.files.service import get_file as find_file
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.files import FilesDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/files/{fileId}", response_model=FileEnvelope, responses=ERROR_RESPONSES, tags=["files"]
)
def get_file(
    file_id: Annotated[str, Path(alias="fileId")],
    source: Annotated[Source, Depends(source_for("read"))],
    files: FilesDep,
) -> FileEnvelope:
    return FileEnvelope(file=find_file(files, source, file_id))


app = build_app(router)
handler = make_handler(app)
