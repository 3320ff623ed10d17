"""The answering endpoints (`POST /v1/query`, `POST /v1/chats`, `POST /v1/chats/{chatId}/messages`)
as routers: each endpoint's own function serves one behind the HTTP API, and the streaming
function (functions/stream_answers, behind a Lambda function URL) serves all three, so both paths
run the same code. With `"stream": true` they answer `text/event-stream` (docs/streaming.md)."""

import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.sse import EventSourceResponse, format_sse_event

from kb.analytics.answers import answered_chat, answered_query, logged_stream
from kb.analytics.recording import LoggedQuery, note_query
from kb.chats.models import ChatMessageRequest, ChatTurnResult, CreateChatRequest
from kb.chats.service import ChatTurn, get_chat, new_chat
from kb.errors import DomainError, ValidationFailed
from kb.http.deps import SettingsDep, json_body, require_scope
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.serving import AnsweringDep, AnswersDep, ChatsDep, RetrieverDep
from kb.ids import new_id
from kb.keys.models import Principal
from kb.observability import logger
from kb.search.answers import AnswerOptions
from kb.search.models import Answer, AnswerShaping, QueryRequest
from kb.search.query import Event, answer_question

_STREAM_DOC = (
    "With `stream: true`, `text/event-stream`: server-sent events `start`, `delta`, `citation`, then `done` "
    "or `error` (docs/streaming.md)."
)
# Each server-sent event: its name and its data (JSON text), as an SSE client parses it.
_SSE_CONTENT = {
    "text/event-stream": {
        "schema": {
            "type": "object",
            "properties": {
                "event": {"type": "string", "enum": ["start", "delta", "citation", "done", "error"]},
                "data": {"type": "string", "description": "JSON"},
            },
            "required": ["event", "data"],
        }
    }
}


def streamed(answered: str | None) -> dict[int | str, dict[str, Any]]:
    """The 200 of a streamed answer; `answered`: what the same status means without streaming."""
    description = f"{answered} {_STREAM_DOC}" if answered else _STREAM_DOC
    return {200: {"content": _SSE_CONTENT, "description": description}}


def options(body: AnswerShaping) -> AnswerOptions:
    return AnswerOptions(max_tokens=body.max_tokens, temperature=body.temperature)


def sse(events: Iterator[Event]) -> EventSourceResponse:
    """Each event as it comes; a failure after the stream has begun is an `error` event (the
    status line has been sent), never a broken connection."""

    def encoded() -> Iterator[bytes]:
        try:
            for event in events:
                yield format_sse_event(event=event.name, data_str=json.dumps(event.data, ensure_ascii=False))
        except DomainError as error:
            yield _error_event(error.message, error.code)
        except Exception:  # noqa: BLE001 - reported to the client as an event, logged here
            logger.exception("a streamed answer failed")
            yield _error_event("The answer failed.", "internal_error")

    # No proxy or client buffering: events are meant to arrive as they are produced.
    return EventSourceResponse(encoded(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _error_event(message: str, code: str) -> bytes:
    return format_sse_event(event="error", data_str=json.dumps({"error": message, "code": code}))


def query_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/v1/query",
        response_model=Answer,
        responses={**error_responses(s415="unsupported_media_type", s502="answer_failed"), **streamed("The answer.")},
        dependencies=[Depends(json_body(64 * 1024))],
        tags=["search"],
    )
    def query(
        body: QueryRequest,
        principal: Annotated[Principal, Depends(require_scope("read"))],
        retriever: RetrieverDep,
        answers: AnswersDep,
    ) -> Any:
        query_id = new_id("qry")
        if not body.stream:
            answer = answer_question(
                retriever,
                answers,
                principal.tenant_id,
                body.query,
                body.source_ids,
                body.filters,
                body.max_sources,
                options(body),
                language=body.language,
            ).collect()
            answer = answer.model_copy(update={"query_id": query_id})
            note_query(answered_query(query_id, body.query, answer, body.filters, body.source_ids))
            return answer
        done: list[Answer] = []

        def events() -> Iterator[Event]:
            stream = answer_question(
                retriever,
                answers,
                principal.tenant_id,
                body.query,
                body.source_ids,
                body.filters,
                body.max_sources,
                options(body),
                streaming=True,
                language=body.language,
            )
            yield Event("start", {"queryId": query_id, "searchedQuery": body.query})
            yield from stream.events()
            assert stream.result is not None
            done.append(stream.result)
            yield Event("done", {**stream.result.to_json_dict(), "queryId": query_id})

        def logged() -> LoggedQuery | None:
            return answered_query(query_id, body.query, done[0], body.filters, body.source_ids) if done else None

        return sse(logged_stream(events(), principal, "POST /v1/query", logged))

    return router


def _refuse_streamed_idempotency(body: AnswerShaping, idempotency: Any) -> None:
    if body.stream and idempotency.key is not None:
        raise ValidationFailed(
            "Idempotency-Key: not supported with stream: true (a streamed turn that fails records nothing; "
            "retry it without the key)"
        )


def _noted(turn: ChatTurn) -> ChatTurnResult:
    """A whole chat turn, noted for the query log (kb.analytics)."""
    result = turn.collect()
    note_query(answered_chat(turn.message, result))
    return result


def _logged(turn: ChatTurn) -> Callable[[], LoggedQuery | None]:
    return lambda: answered_chat(turn.message, turn.result) if turn.result is not None else None


def create_chat_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/v1/chats",
        status_code=201,
        response_model=ChatTurnResult,
        responses={**error_responses(mutation=True, s502="answer_failed"), **streamed(None)},
        dependencies=[Depends(json_body(64 * 1024))],
        tags=["chats"],
    )
    def create_chat(
        body: CreateChatRequest,
        principal: Annotated[Principal, Depends(require_scope("read"))],
        chats: ChatsDep,
        answering: AnsweringDep,
        settings: SettingsDep,
        idempotency: IdempotencyDep,
    ) -> Any:
        _refuse_streamed_idempotency(body, idempotency)
        chat = new_chat(principal.tenant_id, body.source_ids, body.filters, settings.chat_retention_days)
        turn = ChatTurn(chats, chat, True, body.message, answering, options(body), streaming=body.stream)
        if body.stream:
            return sse(logged_stream(turn.events(), principal, "POST /v1/chats", _logged(turn)))
        return idempotency.run(principal.tenant_id, lambda: (201, _noted(turn)))

    return router


def send_chat_message_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/v1/chats/{chatId}/messages",
        response_model=ChatTurnResult,
        responses={
            **error_responses(mutation=True, s502="answer_failed"),
            **streamed("The chat and the assistant's answer."),
        },
        dependencies=[Depends(json_body(64 * 1024))],
        tags=["chats"],
    )
    def send_chat_message(
        chat_id: Annotated[str, Path(alias="chatId")],
        body: ChatMessageRequest,
        principal: Annotated[Principal, Depends(require_scope("read"))],
        chats: ChatsDep,
        answering: AnsweringDep,
        idempotency: IdempotencyDep,
    ) -> Any:
        _refuse_streamed_idempotency(body, idempotency)
        chat = get_chat(chats, principal.tenant_id, chat_id)
        turn = ChatTurn(chats, chat, False, body.message, answering, options(body), streaming=body.stream)
        if body.stream:
            return sse(logged_stream(turn.events(), principal, "POST /v1/chats/{chatId}/messages", _logged(turn)))
        return idempotency.run(principal.tenant_id, lambda: (200, _noted(turn)))

    return router
