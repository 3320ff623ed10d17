"""Chats: each turn is a question answered from the knowledge base with the chat's history."""

from collections.abc import Callable
from datetime import datetime, timedelta

from kb.chats.models import Chat, ChatHistory, ChatMessage, ChatTurnResult
from kb.chats.repository import ChatGone, ChatRepository
from kb.errors import NotFound
from kb.ids import new_id, to_iso, utcnow
from kb.search.answers import Turn
from kb.search.models import Answer, SearchFilters

HISTORY_TURNS = 10  # what an answer provider sees of the conversation
AnswerFn = Callable[[str, Chat, list[Turn]], Answer]


def start_chat(
    chats: ChatRepository,
    tenant_id: str,
    message: str,
    source_ids: list[str] | None,
    filters: SearchFilters | None,
    retention_days: int,
    answer: AnswerFn,
) -> ChatTurnResult:
    now = utcnow()
    chat = Chat.model_validate(
        {
            "id": new_id("chat"),
            "tenantId": tenant_id,
            "sourceIds": source_ids,
            "filters": filters,
            "createdAt": to_iso(now),
            "expiresAt": to_iso(now + timedelta(days=retention_days)),
        }
    )
    reply = answer(message, chat, [])  # answer first: a failed answer leaves no half-made chat
    chats.create(chat)
    return _record_turn(chats, chat, message, reply, now)


def get_chat(chats: ChatRepository, tenant_id: str, chat_id: str, now: datetime | None = None) -> Chat:
    """Another tenant's chat, or an expired one, is simply not found."""
    chat = chats.get(chat_id)
    if chat is None or chat.tenant_id != tenant_id or chat.expires_at <= to_iso(now or utcnow()):
        raise NotFound(f"Chat {chat_id} was not found.")
    return chat


def continue_chat(chats: ChatRepository, chat: Chat, message: str, answer: AnswerFn) -> ChatTurnResult:
    history = chats.all_messages(chat.id)
    turns = [Turn(m.role, m.content) for m in history][-2 * HISTORY_TURNS :]
    reply = answer(message, chat, turns)
    return _record_turn(chats, chat, message, reply, utcnow())


def chat_history(chats: ChatRepository, chat: Chat, limit: int, cursor: str | None) -> ChatHistory:
    messages, next_cursor = chats.messages(chat.tenant_id, chat.id, limit, cursor)
    return ChatHistory(chat=chat, messages=messages, next_cursor=next_cursor)


def _record_turn(chats: ChatRepository, chat: Chat, question: str, reply: Answer, now: datetime) -> ChatTurnResult:
    try:
        first = chats.reserve(chat, 2, to_iso(now))
    except ChatGone as error:
        raise NotFound(f"Chat {chat.id} was not found.") from error
    asked = ChatMessage(id=new_id("msg"), role="user", content=question, created_at=to_iso(now))
    answered = ChatMessage(
        id=new_id("msg"),
        role="assistant",
        content=reply.answer,
        mode=reply.mode,
        found=reply.found,
        sources=reply.sources,
        created_at=to_iso(now),
    )
    chats.add_message(chat, first, asked)
    chats.add_message(chat, first + 1, answered)
    fresh = chat.model_copy(update={"message_count": first + 1})
    return ChatTurnResult(chat=fresh, message=answered)
