"""GET /api/v1/sources/{sourceId} (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.sources.models import Source, SourceEnvelope

router = APIRouter()


@router.get("/v1/sources/{sourceId}", response_model=SourceEnvelope, responses=ERROR_RESPONSES, tags=["sources"])
def get_source(source: Annotated[Source, Depends(source_for("read"))]) -> SourceEnvelope:
    return SourceEnvelope(source=source)


app = build_app(router)
handler = make_handler(app)
