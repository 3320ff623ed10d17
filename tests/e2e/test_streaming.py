"""Streamed answers and conversation-aware chats end to end, with the extractive provider and with
the Bedrock provider over the stub model: the stream read through the local function URL (and the
HTTP API) by a real SSE client (httpx-sse)."""

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from local.controls import Controls
from tests.e2e.conftest import Api
from tests.e2e.receiver import Receiver, start_receiver
from tests.e2e.test_search import publish_help_center

REFUNDS = {"query": "How long do refunds take?"}


def stream(api, key: str, path: str, body: dict, base: str | None = None) -> list[ServerSentEvent]:
    """POST with stream: true and read every event (the function URL unless `base` says otherwise)."""
    url = (base or api.info["stream_url"]) + path
    with (
        httpx.Client(timeout=60) as client,
        connect_sse(
            client, "POST", url, json={**body, "stream": True}, headers={"Authorization": f"Bearer {key}"}
        ) as sse,
    ):
        assert sse.response.status_code == 200, sse.response.read()
        assert sse.response.headers["content-type"].startswith("text/event-stream")
        return list(sse.iter_sse())


def named(events: list[ServerSentEvent], name: str) -> list[dict]:
    return [e.json() for e in events if e.event == name]


@pytest.fixture(scope="module")
def help_center(api) -> str:
    """One published help center for the module (reading it changes nothing)."""
    source_id = api.call("POST", "/v1/sources", api.admin_key, {"name": "Help center"}).json()["source"]["id"]
    publish_help_center(api, api.admin_key, source_id)
    return str(source_id)


def test_a_streamed_answer_is_start_deltas_citations_then_done_and_says_what_the_whole_answer_says(
    api, writer_key, help_center
):
    # When a question is asked with stream: true through the streaming function URL
    events = stream(api, writer_key, "/v1/query", {**REFUNDS, "sourceIds": [help_center]})
    # Then it opens with start and ends with exactly one done, deltas and citations between
    assert events[0].event == "start" and events[-1].event == "done"
    assert {e.event for e in events[1:-1]} == {"delta", "citation"}
    start, done = events[0].json(), events[-1].json()
    assert start == {"queryId": done["queryId"], "searchedQuery": REFUNDS["query"]}
    # And the deltas add up to the answer of done, which is the answer a plain request gets
    assert "".join(d["text"] for d in named(events, "delta")) == done["answer"]
    plain = api.call("POST", "/v1/query", writer_key, {**REFUNDS, "sourceIds": [help_center]}).json()
    assert (done["answer"], done["sources"], done["found"]) == (plain["answer"], plain["sources"], plain["found"])
    assert done["usage"]["outputTokens"] > 0 and done["usage"]["inputTokens"] > done["usage"]["outputTokens"]


def test_each_citation_ties_a_source_to_the_answer_text_it_supports(api, writer_key, help_center):
    events = stream(api, writer_key, "/v1/query", {**REFUNDS, "sourceIds": [help_center]})
    done = events[-1].json()
    citations = named(events, "citation")
    # Then every [n] of the answer is one citation event, in order
    assert [c["number"] for c in citations] == [int(n) for n in _markers(done["answer"])]
    assert citations == done["citations"]
    for citation in citations:
        # whose span is the answer's text, quoted from the cited source's chunk
        assert done["answer"][citation["start"] : citation["end"]] == citation["text"]
        assert citation["source"] == done["sources"][citation["number"] - 1]
        assert citation["text"] in citation["source"]["excerpt"]
    assert citations[0]["text"] == "Refunds are processed within 14 days of receiving the returned item."
    assert citations[0]["source"]["externalItemId"] == "refunds"


def test_each_citation_arrives_after_the_delta_that_completes_its_marker(api, writer_key, help_center):
    events = stream(api, writer_key, "/v1/query", {"query": "refunds and shipping", "sourceIds": [help_center]})
    text = ""
    for event in events:
        if event.event == "delta":
            text += event.json()["text"]
        elif event.event == "citation":
            assert event.json()["end"] <= len(text)  # its text has been streamed already


def test_the_first_sentence_reaches_the_client_before_the_answer_is_complete(api, writer_key, help_center, controls):
    # Given answers held after their first delta until the test releases them
    controls.hold_answers()
    try:
        body = {"query": "refunds and shipping", "sourceIds": [help_center], "stream": True}
        with (
            httpx.Client(timeout=60) as http,
            connect_sse(
                http,
                "POST",
                api.info["stream_url"] + "/v1/query",
                json=body,
                headers={"Authorization": f"Bearer {writer_key}"},
            ) as sse,
        ):
            events = sse.iter_sse()
            # When the stream is read while the answer is held
            start, first = next(events), next(events)
            assert (start.event, first.event) == ("start", "delta")
            controls.release_answers()
            rest = list(events)
    finally:
        controls.release_answers()
    # Then the first cited sentence had arrived, and the rest of the answer came after the release
    done = rest[-1].json()
    assert done["answer"].startswith(first.json()["text"]) and len(done["answer"]) > len(first.json()["text"])
    assert len(named(rest, "delta")) >= 1


def test_the_http_api_answers_the_same_stream_at_once(api, writer_key, help_center):
    # An HTTP API cannot stream a Lambda response: it returns the whole event stream in one body
    events = stream(api, writer_key, "/v1/query", {**REFUNDS, "sourceIds": [help_center]}, base=api.url)
    assert [e.event for e in events][:2] == ["start", "delta"] and events[-1].event == "done"
    assert events[-1].json()["found"] is True


def test_a_streamed_chat_records_the_turn_it_announced(api, writer_key, help_center):
    events = stream(
        api, writer_key, "/v1/chats", {"message": "How do I reset my password?", "sourceIds": [help_center]}
    )
    start, done = events[0].json(), events[-1].json()
    # Then done carries the chat and the assistant message that start announced
    assert (done["chat"]["id"], done["message"]["id"]) == (start["chatId"], start["messageId"])
    assert done["message"]["sources"][0]["externalItemId"] == "password"
    assert done["message"]["usage"] == done["usage"]
    # And the history holds the turn
    history = api.call("GET", f"/v1/chats/{start['chatId']}/history", writer_key).json()["messages"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[1]["id"] == start["messageId"] and history[1]["content"] == done["answer"]


def test_a_follow_up_is_searched_in_the_context_of_the_chat(api, writer_key, help_center):
    # Given a chat about the warranty
    started = api.call(
        "POST", "/v1/chats", writer_key, {"message": "What does the warranty cover?", "sourceIds": [help_center]}
    ).json()
    assert started["message"]["sources"][0]["externalItemId"] == "warranty"
    # When the follow-up leans on it
    events = stream(
        api, writer_key, f"/v1/chats/{started['chat']['id']}/messages", {"message": "How long does it last?"}
    )
    # Then the search was the follow-up with the chat's topic, and says so
    searched = events[0].json()["searchedQuery"]
    assert searched.startswith("How long does it last?") and "warranty" in searched
    done = events[-1].json()
    assert done["message"]["searchedQuery"] == searched
    assert done["found"] and done["sources"][0]["externalItemId"] == "warranty"
    assert "two-year limited warranty" in done["answer"]
    # While the same words in a new chat find nothing about the warranty
    alone = api.call("POST", "/v1/chats", writer_key, {"message": "How long does it last?", "sourceIds": [help_center]})
    assert "warranty" not in [s["externalItemId"] for s in alone.json()["message"]["sources"]]


def test_chat_messages_report_their_usage(api, writer_key, help_center):
    reply = api.call(
        "POST", "/v1/chats", writer_key, {"message": "How long do refunds take?", "sourceIds": [help_center]}
    )
    message = reply.json()["message"]
    # The extractive provider counts about four characters a token
    assert message["usage"]["outputTokens"] == -(-len(message["content"]) // 4)
    history = api.call("GET", f"/v1/chats/{reply.json()['chat']['id']}/history", writer_key).json()["messages"]
    assert history[1]["usage"] == message["usage"]


def test_max_tokens_bounds_the_answer(api, writer_key, help_center):
    body = {"query": "refunds and shipping and warranty", "sourceIds": [help_center]}
    whole = api.call("POST", "/v1/query", writer_key, body).json()
    bounded = api.call("POST", "/v1/query", writer_key, {**body, "maxTokens": 20}).json()
    assert whole["usage"]["outputTokens"] > 20 >= bounded["usage"]["outputTokens"] > 0
    assert whole["answer"].startswith(bounded["answer"])


@pytest.mark.parametrize(
    "shaping",
    [
        {"maxTokens": 0},
        {"maxTokens": 5000},
        {"maxTokens": "20"},
        {"temperature": 1.5},
        {"temperature": -0.1},
        {"stream": "yes"},
    ],
)
def test_answer_shaping_out_of_range_is_a_validation_error(api, writer_key, shaping):
    for path, body in (("/v1/query", {"query": "refunds"}), ("/v1/chats", {"message": "refunds"})):
        reply = api.call("POST", path, writer_key, {**body, **shaping})
        assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), path


def test_a_streamed_chat_turn_refuses_an_idempotency_key(api, writer_key):
    reply = api.call(
        "POST", "/v1/chats", writer_key, {"message": "refunds", "stream": True}, headers={"Idempotency-Key": "k-1"}
    )
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("Idempotency-Key:")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def test_subscribers_get_chat_message_and_chat_completed(api, writer_key, help_center, receiver):
    # Given a subscription to chat events
    path = f"/ok/{uuid.uuid4().hex}"
    reply = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["chat.*"]})
    assert reply.status_code == 201, reply.text
    # When a chat turn is answered
    turn = api.call(
        "POST", "/v1/chats", writer_key, {"message": "How long do refunds take?", "sourceIds": [help_center]}
    )
    chat_id, answered = turn.json()["chat"]["id"], turn.json()["message"]
    # Then each message and the completed turn are delivered
    got = [json.loads(r.body) for r in receiver.wait_for(path, 3, timeout=60)]
    by_type = sorted((e["type"], e["data"].get("role", "")) for e in got)
    assert by_type == [("chat.completed", ""), ("chat.message", "assistant"), ("chat.message", "user")]
    completed = next(e["data"] for e in got if e["type"] == "chat.completed")
    assert completed == {
        "chatId": chat_id,
        "messageId": answered["id"],
        "searchedQuery": "How long do refunds take?",
        "found": True,
        "sourceCount": len(answered["sources"]),
        "usage": answered["usage"],
    }


# --- the generative path: our Bedrock provider over the stub model's ConverseStream -------------
# The stack's test controls make the serving functions answer with the Bedrock provider over the
# stub model (local/stub_bedrock.py), and hold or fail a stream after its first delta when the test
# says so: "the first delta arrives before the answer is complete" is shown by synchronisation.


@pytest.fixture
def generative(api, controls) -> Iterator[tuple[Api, Controls]]:
    controls.use_stub_model(True)
    try:
        yield api, controls
    finally:
        controls.use_stub_model(False)
        controls.release_answers()
        controls.fail_answers(False)


def test_the_first_delta_reaches_the_client_while_the_model_is_still_answering(generative, help_center):
    api, controls = generative
    # Given a model that stops after its first token until the test releases it
    controls.hold_answers()
    try:
        body = {"query": "How long do refunds take?", "sourceIds": [help_center], "stream": True}
        headers = {"Authorization": f"Bearer {api.admin_key}"}
        with (
            httpx.Client(timeout=60) as http,
            connect_sse(http, "POST", api.info["stream_url"] + "/v1/query", json=body, headers=headers) as sse,
        ):
            events = sse.iter_sse()
            # When the stream is read while the model is held
            start, first = next(events), next(events)
            # Then the start and the first delta have arrived: the answer is not complete yet
            assert (start.event, first.event) == ("start", "delta")
            assert first.json()["text"] == "Refunds"
            controls.release_answers()
            rest = list(events)
    finally:
        controls.release_answers()
    # And once released, the rest of the answer follows and done holds all of it
    done = rest[-1].json()
    assert rest[-1].event == "done" and done["mode"] == "generative"
    assert done["answer"] == first.json()["text"] + "".join(d["text"] for d in named(rest, "delta"))
    assert done["answer"].startswith("Refunds are processed within 14 days of receiving the returned item [1].")
    citation = named(rest, "citation")[0]
    assert citation["text"] == "Refunds are processed within 14 days of receiving the returned item"
    assert citation["source"]["externalItemId"] == "refunds"


def test_a_model_failure_midway_is_an_error_event_and_records_no_message(generative, help_center):
    api, controls = generative
    # Given a chat with one answered turn
    chat = api.call("POST", "/v1/chats", api.admin_key, {"message": "Refunds?", "sourceIds": [help_center]}).json()
    chat_id = chat["chat"]["id"]
    # When the model fails after its first token, on the next turn and on a new chat
    controls.fail_answers(True)
    try:
        turn = stream(api, api.admin_key, f"/v1/chats/{chat_id}/messages", {"message": "And shipping?"})
        started = stream(api, api.admin_key, "/v1/chats", {"message": "Shipping?", "sourceIds": [help_center]})
    finally:
        controls.fail_answers(False)
    # Then each stream ends with one error event after what was sent, and no done
    for events in (turn, started):
        assert [e.event for e in events] == ["start", "delta", "error"]
        assert events[-1].json()["code"] == "answer_failed"
    # And nothing was recorded: the chat keeps its one turn, the new chat does not exist
    history = api.call("GET", f"/v1/chats/{chat_id}/history", api.admin_key).json()
    assert (history["chat"]["messageCount"], len(history["messages"])) == (2, 2)
    new_chat = started[0].json()["chatId"]
    assert api.call("GET", f"/v1/chats/{new_chat}/history", api.admin_key).status_code == 404


def test_the_model_rewrites_a_follow_up_and_the_turn_counts_both_calls(generative, help_center):
    api, _ = generative
    first = api.call(
        "POST", "/v1/chats", api.admin_key, {"message": "How long do refunds take?", "sourceIds": [help_center]}
    ).json()
    events = stream(api, api.admin_key, f"/v1/chats/{first['chat']['id']}/messages", {"message": "And shipping?"})
    # The stub model's rewrite: the conversation's last question, then the message
    assert events[0].json()["searchedQuery"] == "How long do refunds take? And shipping?"
    done = events[-1].json()
    assert done["message"]["searchedQuery"] == "How long do refunds take? And shipping?"
    # Usage adds the rewrite's tokens to the answer's: more read than the first turn's answer alone
    assert done["usage"]["inputTokens"] > first["message"]["usage"]["inputTokens"]


def test_max_tokens_reaches_the_model(generative, help_center):
    api, _ = generative
    body = {"query": "refunds", "sourceIds": [help_center], "maxTokens": 3, "temperature": 0.5}
    events = stream(api, api.admin_key, "/v1/query", body)
    done = events[-1].json()
    # The stub model stops at maxTokens words and counts a word a token
    assert (done["answer"], done["usage"]["outputTokens"]) == ("Refunds are processed", 3)
    plain = api.call("POST", "/v1/query", api.admin_key, {**body, "stream": False}).json()
    assert (plain["answer"], plain["mode"]) == ("Refunds are processed", "generative")


def _markers(text: str) -> list[str]:
    import re

    return re.findall(r"\[(\d+)\]", text)
