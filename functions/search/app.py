"""POST /api/v1/search (read scope): chunks of the published generations, best first."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.analytics.recording import LoggedQuery, note_query, top_items
from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, CursorsDep, SourcesDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.serving import CacheDep, ClockDep, EmbedderDep, RerankDep
from kb.ids import new_id
from kb.keys.models import Principal
from kb.search.models import SearchRequest, SearchResponse
from kb.search.service import search as search_knowledge

router = APIRouter()


@router.post(
    "/v1/search",
    response_model=SearchResponse,
    responses=error_responses(
        s400="invalid_cursor",
        s409="semantic_unavailable, rerank_unavailable",
        s410="cursor_expired",
        s415="unsupported_media_type",
    ),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["search"],
)
def search(
    body: SearchRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    sources: SourcesDep,
    blobs: BlobsDep,
    cache: CacheDep,
    embedder: EmbedderDep,
    clock: ClockDep,
    reranking: RerankDep,
    cursors: CursorsDep,
) -> SearchResponse:
    found = search_knowledge(sources, blobs, cache, embedder, principal.tenant_id, body, clock, cursors, reranking)
    if body.cursor is None:  # a later page of the same search is not another query
        note_query(
            LoggedQuery(
                id=new_id("srch"),
                kind="search",
                text=body.query,
                mode=found.mode,
                filters=body.filters.model_dump(mode="json", by_alias=True, exclude_none=True)
                if body.filters
                else None,
                source_ids=body.source_ids,
                result_count=len(found.results),
                top_items=top_items([(r.item.source_id, r.item.external_item_id) for r in found.results]),
                found=bool(found.results),
            )
        )
    return found


app = build_app(router)
handler = make_handler(app)
