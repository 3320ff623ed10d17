"""GET /api/v1/analytics/queries (admin scope): the query log, newest first; zero-result queries
on their own with zeroResults=true; exported as JSON lines or CSV with format=jsonl|csv (or an
Accept of application/x-ndjson or text/csv), the next page's cursor then in X-Next-Cursor."""

from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from kb.analytics.models import LoggedKind, QueryLogPage
from kb.analytics.service import as_csv, as_json_lines, time_range
from kb.errors import ValidationFailed
from kb.http.analytics import AnalyticsDep, FromQuery, ToQuery
from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, require_scope
from kb.http.errors import LIST_ERROR_RESPONSES
from kb.ids import utcnow
from kb.keys.models import Principal

router = APIRouter()
MEDIA = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
_EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page as JSON; with format=jsonl or csv, the entries as JSON lines or CSV "
        "(header row first) and the next page's cursor in X-Next-Cursor",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}},
        "headers": {"X-Next-Cursor": {"schema": {"type": "string"}, "description": "Exports: the next page's cursor"}},
    }
}


@router.get(
    "/v1/analytics/queries",
    response_model=QueryLogPage,
    responses={**LIST_ERROR_RESPONSES, **_EXPORTS},
    tags=["analytics"],
)
def list_queries(
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    analytics: AnalyticsDep,
    start: FromQuery = None,
    end: ToQuery = None,
    zero_results: Annotated[
        bool | None,
        Query(alias="zeroResults", description="true: only queries that found nothing; false: only the others"),
    ] = None,
    kind: Annotated[LoggedKind | None, Query(description="Only searches, queries or chat answers")] = None,
    output: Annotated[Literal["json", "jsonl", "csv"] | None, Query(alias="format")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000, description="Default 50; JSON pages at most 100")] = None,
    cursor: CursorQuery = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    chosen: str = output or next((name for name, media in MEDIA.items() if media in (accept or "")), "json")
    if chosen == "json" and (limit or 0) > 100:
        raise ValidationFailed("limit: at most 100 for a JSON page (exports take up to 1000)")
    begin, until = time_range(start, end, utcnow().astimezone(UTC))
    entries, next_cursor = analytics.log_page(
        principal.tenant_id,
        int(begin.timestamp() * 1000),
        int(until.timestamp() * 1000) - 1,
        zero_results,
        kind,
        limit or (50 if chosen == "json" else 1000),
        cursor,
    )
    if chosen == "json":
        return QueryLogPage(queries=entries, next_cursor=next_cursor)
    body = as_json_lines(entries) if chosen == "jsonl" else as_csv(entries)
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    return Response(body, media_type=MEDIA[chosen], headers=headers)


app = build_app(router)
handler = make_handler(app)
