"""POST /api/v1/search/explain (read scope): why an item did or did not come back for a search."""

from typing import Annotated

from fastapi import APIRouter, Depends

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, SourcesDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.serving import CacheDep, ClockDep, EmbedderDep
from kb.http.staging import ItemsDep
from kb.keys.models import Principal
from kb.search.explain import explain
from kb.search.models import ExplainRequest, Explanation

router = APIRouter()


@router.post(
    "/v1/search/explain",
    response_model=Explanation,
    responses=error_responses(s409="semantic_unavailable", s415="unsupported_media_type"),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["search"],
)
def explain_search(
    body: ExplainRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    sources: SourcesDep,
    items: ItemsDep,
    blobs: BlobsDep,
    cache: CacheDep,
    embedder: EmbedderDep,
    clock: ClockDep,
) -> Explanation:
    return explain(sources, items, blobs, cache, embedder, principal.tenant_id, body, clock)


app = build_app(router)
handler = make_handler(app)
