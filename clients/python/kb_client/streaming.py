"""Streamed answers: the server-sent events of `POST /v1/query` and chat messages with `"stream": true`.

In order: one `start`, zero or more `delta` (a piece of the answer's text), `citation` events (a
cited source and the span of answer text it supports), then exactly one `done` (usage, the full
answer, its sources, ids) or `error`. The iterators yield typed events and raise StreamError on
`error`, so a loop over them ends either with a DoneEvent or an exception.
"""

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from httpx_sse import ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from .errors import ApiError


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class StartEvent(_Event):
    """The ids of what is being answered (queryId, or chatId and messageId) and the searched query."""

    query_id: str | None = Field(default=None, alias="queryId")
    chat_id: str | None = Field(default=None, alias="chatId")
    message_id: str | None = Field(default=None, alias="messageId")
    searched_query: str | None = Field(default=None, alias="searchedQuery")


class DeltaEvent(_Event):
    text: str


class CitationEvent(_Event):
    """A cited source, tied to the span of answer text it supports (fields as the server sends them)."""


class Usage(_Event):
    input_tokens: int = Field(default=0, alias="inputTokens")
    output_tokens: int = Field(default=0, alias="outputTokens")


class DoneEvent(_Event):
    answer: str = ""
    sources: list[dict[str, Any]] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)


class StreamError(ApiError):
    """The stream ended with an `error` event (after a 200, so `status` is the response's)."""


AnswerEvent = StartEvent | DeltaEvent | CitationEvent | DoneEvent
_TYPES: dict[str, type[_Event]] = {
    "start": StartEvent,
    "delta": DeltaEvent,
    "citation": CitationEvent,
    "done": DoneEvent,
}


def to_event(sse: ServerSentEvent, status: int) -> AnswerEvent | None:
    """The typed event, None for one this client does not know (a newer server may add some)."""
    data = json.loads(sse.data) if sse.data else {}
    if sse.event == "error":
        raise StreamError(status, str(data.get("code", "stream_error")), str(data.get("error", "")), body=data)
    kind = _TYPES.get(sse.event)
    return kind.model_validate(data) if kind else None  # type: ignore[return-value]


def events(sse: Iterator[ServerSentEvent], status: int) -> Iterator[AnswerEvent]:
    for message in sse:
        event = to_event(message, status)
        if event is not None:
            yield event
            if isinstance(event, DoneEvent):
                return


async def aevents(sse: AsyncIterator[ServerSentEvent], status: int) -> AsyncIterator[AnswerEvent]:
    async for message in sse:
        event = to_event(message, status)
        if event is not None:
            yield event
            if isinstance(event, DoneEvent):
                return
