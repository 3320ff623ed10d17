"""GET /api/v1/sources/{sourceId}/imports/{importId}: status and progress (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.imports import ImportsDep
from kb.imports.models import ImportEnvelope
from kb.imports.service import get_import as find
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/imports/{importId}",
    response_model=ImportEnvelope,
    responses=ERROR_RESPONSES,
    tags=["imports"],
)
def get_import(
    import_id: Annotated[str, Path(alias="importId")],
    source: Annotated[Source, Depends(source_for("read"))],
    imports: ImportsDep,
) -> ImportEnvelope:
    return ImportEnvelope(import_=find(imports, source, import_id))


app = build_app(router)
handler = make_handler(app)
