"""POST /api/v1/query (read scope): an answer from the knowledge base, with its sources."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, SourcesDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.serving import AnswersDep, CacheDep, ClockDep, EmbedderDep
from kb.keys.models import Principal
from kb.search.models import Answer, QueryRequest
from kb.search.query import answer_question

router = APIRouter()


@router.post(
    "/v1/query",
    response_model=Answer,
    responses=error_responses(s415="unsupported_media_type", s502="answer_failed"),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["search"],
)
def query(
    body: QueryRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    sources: SourcesDep,
    blobs: BlobsDep,
    cache: CacheDep,
    embedder: EmbedderDep,
    answers: AnswersDep,
    clock: ClockDep,
) -> Answer:
    return answer_question(
        sources,
        blobs,
        cache,
        embedder,
        answers,
        principal.tenant_id,
        body.query,
        body.source_ids,
        body.filters,
        body.max_sources,
        clock,
        language=body.language,
    )


app = build_app(router)
handler = make_handler(app)
