"""POST /api/v1/chats (read scope): start a chat with its first message; answers 201 with the
chat and the assistant's cited answer."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.chats.models import ChatTurnResult, CreateChatRequest
from kb.chats.service import start_chat
from kb.http.app import build_app, make_handler
from kb.http.deps import SettingsDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.serving import AnswererDep, ChatsDep
from kb.keys.models import Principal

router = APIRouter()


@router.post(
    "/v1/chats",
    status_code=201,
    response_model=ChatTurnResult,
    responses=error_responses(mutation=True, s502="answer_failed"),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["chats"],
)
def create_chat(
    body: CreateChatRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    chats: ChatsDep,
    answer: AnswererDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, ChatTurnResult]:
        result = start_chat(
            chats,
            principal.tenant_id,
            body.message,
            body.source_ids,
            body.filters,
            settings.chat_retention_days,
            answer,
        )
        return 201, result

    return idempotency.run(principal.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
