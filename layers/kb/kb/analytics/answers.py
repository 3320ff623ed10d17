"""What the query log keeps of an answer (a query's or a chat's), whole or streamed."""

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kb.analytics.recording import LoggedQuery, recorder, top_items
from kb.search.models import Answer, SearchFilters
from kb.settings import get_settings

if TYPE_CHECKING:
    from kb.chats.models import ChatTurnResult
    from kb.keys.models import Principal
    from kb.search.query import Event


def _filters(filters: SearchFilters | None) -> dict | None:
    return filters.model_dump(mode="json", by_alias=True, exclude_none=True) if filters else None


def answered_query(
    query_id: str, text: str, answer: Answer, filters: SearchFilters | None, source_ids: list[str] | None
) -> LoggedQuery:
    return LoggedQuery(
        id=query_id,
        kind="query",
        text=text,
        mode=answer.mode,
        filters=_filters(filters),
        source_ids=source_ids,
        result_count=len(answer.sources),
        top_items=top_items([(s.source_id, s.external_item_id) for s in answer.sources]),
        found=answer.found,
        answer_tokens=answer.usage.output_tokens if answer.usage else None,
    )


def answered_chat(text: str, turn: "ChatTurnResult") -> LoggedQuery:
    message = turn.message
    return LoggedQuery(
        id=message.id,
        kind="chat",
        text=text,
        mode=message.mode,
        filters=_filters(turn.chat.filters),
        source_ids=turn.chat.source_ids,
        result_count=len(message.sources),
        top_items=top_items([(s.source_id, s.external_item_id) for s in message.sources]),
        found=bool(message.found),
        answer_tokens=message.usage.output_tokens if message.usage else None,
        chat_id=turn.chat.id,
    )


def logged_stream(
    events: Iterator["Event"], principal: "Principal", endpoint: str, logged: Callable[[], LoggedQuery | None]
) -> Iterator["Event"]:
    """A streamed answer: its response began before the answer existed, so it is logged (with the
    time to its last event) just before its `done` event is sent: a client that rates the answer
    as soon as it has it finds it logged."""
    started = time.perf_counter()
    for event in events:
        if event.name == "done":
            query = logged()
            if query is not None and get_settings().analytics_recording:
                seconds = time.perf_counter() - started
                recorder().record_query(principal.tenant_id, principal.key_id, endpoint, query, seconds)
        yield event
