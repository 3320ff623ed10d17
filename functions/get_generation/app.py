"""GET /api/v1/sources/{sourceId}/generations/{generationId} (read scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kb.generations.models import GenerationEnvelope
from kb.generations.service import get_generation as find_generation
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import ERROR_RESPONSES
from kb.http.publishing import GenerationsDep
from kb.sources.models import Source

router = APIRouter()


@router.get(
    "/v1/sources/{sourceId}/generations/{generationId}",
    response_model=GenerationEnvelope,
    responses=ERROR_RESPONSES,
    tags=["generations"],
)
def get_generation(
    generation_id: Annotated[str, Path(alias="generationId")],
    source: Annotated[Source, Depends(source_for("read"))],
    generations: GenerationsDep,
) -> GenerationEnvelope:
    return GenerationEnvelope(generation=find_generation(generations, source, generation_id))


app = build_app(router)
handler = make_handler(app)
