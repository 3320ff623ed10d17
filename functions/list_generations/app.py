"""GET /api/v1/sources/{sourceId}/generations: retained generations, newest first (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kb.generations.models import GenerationPage
from kb.generations.service import list_generations as list_page
from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, source_for
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.http.publishing import GenerationsDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/generations",
    response_model=GenerationPage,
    responses=LIST_ERROR_RESPONSES,
    tags=["generations"],
)
def list_generations(
    source: Annotated[Source, Depends(source_for("read"))],
    generations: GenerationsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> GenerationPage:
    return list_page(generations, source, limit, cursor)


app = build_app(router)
handler = make_handler(app)
