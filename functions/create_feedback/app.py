"""POST /api/v1/feedback (read scope): rate an answer of this tenant, a query's (queryId) or a
chat's (chatId, messageId), with an optional comment; a new rating replaces the previous one."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.analytics.models import FeedbackEnvelope, FeedbackRequest
from kb.analytics.service import record_feedback
from kb.chats.repository import ChatRepository
from kb.http.analytics import AnalyticsDep
from kb.http.app import build_app, make_handler
from kb.http.deps import TableDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.keys.models import Principal

router = APIRouter()


@router.post(
    "/v1/feedback",
    response_model=FeedbackEnvelope,
    responses=error_responses(mutation=True),
    dependencies=[Depends(json_body(8 * 1024))],
    tags=["analytics"],
)
def create_feedback(
    body: FeedbackRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    analytics: AnalyticsDep,
    db: TableDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    feedback = lambda: record_feedback(analytics, ChatRepository(db), principal.tenant_id, body)  # noqa: E731
    return idempotency.run(principal.tenant_id, lambda: (200, FeedbackEnvelope(feedback=feedback())))


app = build_app(router)
handler = make_handler(app)
