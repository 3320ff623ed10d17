"""Chats: each turn is a question answered from the knowledge base in the context of the chat.

A turn rewrites a follow-up into a standalone search query (the provider decides how), searches
it, answers (whole or streamed), and only then records the chat (if new) and both messages, so a
turn that fails at any point leaves nothing behind."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from kb.chats.models import Chat, ChatHistory, ChatMessage, ChatTurnResult
from kb.chats.repository import ChatGone, ChatRepository
from kb.errors import NotFound
from kb.ids import new_id, to_iso, utcnow
from kb.observability import logger
from kb.search.answers import AnswerOptions, AnswerProvider, Turn
from kb.search.models import SearchFilters
from kb.search.query import AnswerStream, Event, Retriever

HISTORY_TURNS = 10  # what an answer provider sees of the conversation
CHAT_SOURCES = 5  # passages behind each chat answer


class Publisher(Protocol):
    def publish(self, tenant_id: str, events: list[Any]) -> None: ...


@dataclass(frozen=True)
class Answering:
    """What a turn is answered with."""

    retriever: Retriever
    answers: AnswerProvider
    events: Publisher | None = None


def new_chat(tenant_id: str, source_ids: list[str] | None, filters: SearchFilters | None, retention_days: int) -> Chat:
    now = utcnow()
    return Chat.model_validate(
        {
            "id": new_id("chat"),
            "tenantId": tenant_id,
            "sourceIds": source_ids,
            "filters": filters,
            "createdAt": to_iso(now),
            "expiresAt": to_iso(now + timedelta(days=retention_days)),
        }
    )


def get_chat(chats: ChatRepository, tenant_id: str, chat_id: str, now: datetime | None = None) -> Chat:
    """Another tenant's chat, or an expired one, is simply not found."""
    chat = chats.get(chat_id)
    if chat is None or chat.tenant_id != tenant_id or chat.expires_at <= to_iso(now or utcnow()):
        raise NotFound(f"Chat {chat_id} was not found.")
    return chat


class ChatTurn:
    """One turn of a chat (`is_new`: the chat's first, which also creates it). `events()` yields
    start, the answer's delta and citation events, and (once recorded) done; `result` holds the
    recorded turn afterwards."""

    def __init__(
        self,
        chats: ChatRepository,
        chat: Chat,
        is_new: bool,
        message: str,
        answering: Answering,
        options: AnswerOptions,
        streaming: bool,
    ) -> None:
        self.chats = chats
        self.chat = chat
        self.is_new = is_new
        self.message = message
        self.answering = answering
        self.options = options
        self.streaming = streaming
        self.message_id = new_id("msg")  # the assistant's, known from the start
        self.result: ChatTurnResult | None = None

    def events(self) -> Iterator[Event]:
        history = [] if self.is_new else self.chats.all_messages(self.chat.id)
        turns = [Turn(m.role, m.content, m.searched_query) for m in history][-2 * HISTORY_TURNS :]
        rewritten = self.answering.answers.rewrite(self.message, turns)
        hits = self.answering.retriever.relevant(
            self.chat.tenant_id, rewritten.query, self.chat.source_ids, self.chat.filters, CHAT_SOURCES
        )
        yield Event("start", {"chatId": self.chat.id, "messageId": self.message_id, "searchedQuery": rewritten.query})
        stream = AnswerStream(
            self.answering.answers,
            self.message,
            rewritten.query,
            hits,
            turns,
            self.options,
            self.streaming,
            rewritten.usage,
        )
        yield from stream.events()
        assert stream.result is not None
        self.result = self._record(stream)
        done = {**stream.result.to_json_dict(), **self.result.to_json_dict()}
        yield Event("done", {**done, "chatId": self.chat.id, "messageId": self.message_id})

    def collect(self) -> ChatTurnResult:
        for _ in self.events():
            pass
        assert self.result is not None
        return self.result

    def _record(self, stream: AnswerStream) -> ChatTurnResult:
        reply = stream.result
        assert reply is not None
        now = to_iso(utcnow())
        if self.is_new:
            self.chats.create(self.chat)
        try:
            first = self.chats.reserve(self.chat, 2, now)
        except ChatGone as error:
            raise NotFound(f"Chat {self.chat.id} was not found.") from error
        asked = ChatMessage(id=new_id("msg"), role="user", content=self.message, created_at=now)
        answered = ChatMessage(
            id=self.message_id,
            role="assistant",
            content=reply.answer,
            mode=reply.mode,
            found=reply.found,
            sources=reply.sources,
            searched_query=reply.searched_query,
            usage=reply.usage,
            created_at=now,
        )
        self.chats.add_message(self.chat, first, asked)
        self.chats.add_message(self.chat, first + 1, answered)
        fresh = self.chat.model_copy(update={"message_count": first + 1})
        self._announce(asked, answered)
        return ChatTurnResult(chat=fresh, message=answered)

    def _announce(self, asked: ChatMessage, answered: ChatMessage) -> None:
        """chat.message for each message, chat.completed for the answered turn. The turn is
        recorded already: a failure to send is logged, never the turn's failure."""
        if self.answering.events is None:
            return
        from kb.webhooks.events import new_event  # only the chat functions send events

        base = {"chatId": self.chat.id}
        usage = answered.usage.to_json_dict() if answered.usage else None
        events = [
            new_event("chat.message", {**base, "messageId": m.id, "role": m.role, "content": m.content})
            for m in (asked, answered)
        ]
        completed = {
            **base,
            "messageId": answered.id,
            "searchedQuery": answered.searched_query,
            "found": answered.found,
            "sourceCount": len(answered.sources),
            "usage": usage,
        }
        events.append(new_event("chat.completed", completed))
        try:
            self.answering.events.publish(self.chat.tenant_id, events)
        except Exception:  # noqa: BLE001 - see above
            logger.exception("chat events were not sent", extra={"chat_id": self.chat.id})


def chat_history(chats: ChatRepository, chat: Chat, limit: int, cursor: str | None) -> ChatHistory:
    messages, next_cursor = chats.messages(chat.tenant_id, chat.id, limit, cursor)
    return ChatHistory(chat=chat, messages=messages, next_cursor=next_cursor)
