"""GET /api/v1/sources/{sourceId}/files: newest first, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.files.records import FilePage
from kb.files.service import list_files as list_page
from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.files import FilesDep
from kb.sources.models import Source

router = APIRouter()


@router.get("/v1/sources/{sourceId}/files", response_model=FilePage, responses=LIST_ERROR_RESPONSES, tags=["files"])
def list_files(
    source: Annotated[Source, Depends(source_for("read"))],
    files: FilesDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> FilePage:
    return list_page(files, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
