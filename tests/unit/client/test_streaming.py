"""Streamed answers, parsed from a recorded event stream in the shape the contract fixes (start,
deltas, citations, then done or error)."""

import httpx
import pytest

from kb_client import Client, DeltaEvent, DoneEvent, StartEvent, StreamError
from kb_client.streaming import CitationEvent

RECORDED = (
    'event: start\ndata: {"queryId": "q_1", "searchedQuery": "refunds"}\n\n'
    'event: delta\ndata: {"text": "Refunds take "}\n\n'
    ": a comment line is ignored\n\n"
    'event: delta\ndata: {"text": "14 days. [1]"}\n\n'
    'event: citation\ndata: {"index": 1, "start": 0, "end": 22, "source": {"externalItemId": "faq-1"}}\n\n'
    'event: done\ndata: {"queryId": "q_1", "answer": "Refunds take 14 days. [1]", '
    '"sources": [{"externalItemId": "faq-1"}], "usage": {"inputTokens": 12, "outputTokens": 7}}\n\n'
)


def streaming_client(body: str, seen: list[httpx.Request], stream_url: str | None = None) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=body.encode())

    return Client(
        "sk_live_test",
        "http://api.test/api",
        stream_url=stream_url,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def test_a_streamed_answer_is_a_start_deltas_citations_and_done():
    # Given a recorded stream
    seen: list[httpx.Request] = []
    client = streaming_client(RECORDED, seen)
    # When the answer is streamed
    events = list(client.stream_query("refunds"))
    # Then the events come typed and in order, the deltas making the answer
    assert [type(e) for e in events] == [StartEvent, DeltaEvent, DeltaEvent, CitationEvent, DoneEvent]
    start, done = events[0], events[-1]
    assert isinstance(start, StartEvent) and isinstance(done, DoneEvent)
    assert (start.query_id, start.searched_query) == ("q_1", "refunds")
    assert "".join(e.text for e in events if isinstance(e, DeltaEvent)) == done.answer
    assert done.usage.input_tokens == 12 and done.usage.output_tokens == 7
    assert seen[0].headers["Accept"] == "text/event-stream"
    assert b'"stream":true' in seen[0].content.replace(b" ", b"")


def test_an_error_event_raises_with_its_code():
    client = streaming_client(
        'event: start\ndata: {"queryId": "q_2"}\n\nevent: error\ndata: {"error": "model down", "code": "answer_failed"}\n\n',
        [],
    )
    events = client.stream_query("refunds")
    assert isinstance(next(events), StartEvent)
    with pytest.raises(StreamError) as raised:
        next(events)
    assert raised.value.code == "answer_failed"


def test_streamed_answers_go_to_the_stream_url_and_everything_else_to_the_base_url():
    # Given a client with a stream URL (the stack's StreamUrl: no /api prefix)
    seen: list[httpx.Request] = []
    client = streaming_client(RECORDED, seen, stream_url="http://stream.test/")
    # When an answer and a chat turn are streamed
    list(client.stream_query("refunds"))
    list(client.chats.stream("refunds", chat_id="cht_1"))
    # Then both went to the stream URL
    assert [str(r.url) for r in seen] == ["http://stream.test/v1/query", "http://stream.test/v1/chats/cht_1/messages"]


def test_without_a_stream_url_streamed_answers_go_to_the_base_url(monkeypatch):
    monkeypatch.delenv("KB_STREAM_URL", raising=False)
    seen: list[httpx.Request] = []
    list(streaming_client(RECORDED, seen).stream_query("refunds"))
    assert str(seen[0].url) == "http://api.test/api/v1/query"


def test_the_stream_url_comes_from_kb_stream_url(monkeypatch):
    monkeypatch.setenv("KB_STREAM_URL", "http://stream.test")
    seen: list[httpx.Request] = []
    list(streaming_client(RECORDED, seen).stream_query("refunds"))
    assert str(seen[0].url) == "http://stream.test/v1/query"


def test_a_streamed_chat_turn_carries_no_idempotency_key():
    # The server refuses one on streamed turns (a failed turn records nothing, so a retry is safe)
    seen: list[httpx.Request] = []
    client = streaming_client(RECORDED, seen)
    list(client.chats.stream("refunds"))
    list(client.chats.stream("and shipping?", chat_id="cht_1"))
    assert [r.headers.get("Idempotency-Key") for r in seen] == [None, None]
