"""GET /api/v1/chats/{chatId}/history (read scope): the chat's messages, oldest first, paged."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kb.chats.models import ChatHistory
from kb.chats.service import chat_history, get_chat
from kb.http.app import build_app, make_handler
from kb.http.deps import CursorQuery, require_scope
from kb.http.errors import error_responses
from kb.http.serving import ChatsDep
from kb.keys.models import Principal

router = APIRouter()


@router.get(
    "/v1/chats/{chatId}/history",
    response_model=ChatHistory,
    responses=error_responses(s400="invalid_cursor"),
    tags=["chats"],
)
def get_chat_history(
    chat_id: Annotated[str, Path(alias="chatId")],
    principal: Annotated[Principal, Depends(require_scope("read"))],
    chats: ChatsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: CursorQuery = None,
) -> ChatHistory:
    return chat_history(chats, get_chat(chats, principal.tenant_id, chat_id), limit, cursor)


app = build_app(router)
handler = make_handler(app)
