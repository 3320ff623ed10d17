"""GET /api/v1/sources/{sourceId}/imports: newest first, cursor-paged (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.imports import ImportsDep
from kb.imports.models import ImportPage
from kb.imports.service import list_imports as list_page
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/imports", response_model=ImportPage, responses=LIST_ERROR_RESPONSES, tags=["imports"]
)
def list_imports(
    source: Annotated[Source, Depends(source_for("read"))],
    imports: ImportsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> ImportPage:
    return list_page(imports, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
