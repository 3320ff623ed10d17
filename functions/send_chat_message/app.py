"""POST /api/v1/chats/{chatId}/messages (read scope): the next question of a chat, answered with
the chat's history and cited."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.chats.models import ChatMessageRequest, ChatTurnResult
from kb.chats.service import continue_chat, get_chat
from kb.http.app import build_app, make_handler
from kb.http.deps import json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.serving import AnswererDep, ChatsDep
from kb.keys.models import Principal

router = APIRouter()


@router.post(
    "/v1/chats/{chatId}/messages",
    response_model=ChatTurnResult,
    responses=error_responses(mutation=True, s502="answer_failed"),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["chats"],
)
def send_chat_message(
    chat_id: Annotated[str, Path(alias="chatId")],
    body: ChatMessageRequest,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    chats: ChatsDep,
    answer: AnswererDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    chat = get_chat(chats, principal.tenant_id, chat_id)

    def operation() -> tuple[int, ChatTurnResult]:
        return 200, continue_chat(chats, chat, body.message, answer)

    return idempotency.run(principal.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
