"""Streamed answers on the generative path (ConverseStream), end to end, on a second local stack
whose answer provider is `bedrock` answered by the stub model (local/stub_bedrock.py): the stub
holds or fails a stream after its first delta when the test says so (local test controls), so
"the first delta arrives before the answer is complete" is shown by synchronisation, not timing."""

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from httpx_sse import connect_sse

from kb.storage import Table
from local.controls import Controls
from local.deploy import client
from tests.e2e.conftest import FIXED_ADMIN_KEY, Api, _wait_until_ready
from tests.e2e.test_search import publish_help_center
from tests.e2e.test_streaming import named, stream
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def generative(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Controls]]:
    state_dir = tmp_path_factory.mktemp("generative")
    log = (state_dir / "stack.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local",
            "--port",
            "0",
            "--state-dir",
            str(state_dir),
            "--test-controls",
            "--stub-bedrock-ms",
            "0",
            "--parameter",
            "AnswerProvider=bedrock",
            "--parameter",
            "EmbeddingProvider=none",  # keyword search: nothing here is about embeddings
            "--parameter",
            "RateLimitPerMinute=100000",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LOCAL_ADMIN_KEY": FIXED_ADMIN_KEY},
    )
    try:
        info = _wait_until_ready(process, state_dir / "stack.json", state_dir / "stack.log")
        controls = Controls(Table(client("dynamodb", info["moto_endpoint"]), info["controls_table"]))
        yield Api(info["api_url"], info["admin_key"], info), controls
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def help_center(generative) -> str:
    api, _ = generative
    source_id = api.call("POST", "/v1/sources", api.admin_key, {"name": "Help center"}).json()["source"]["id"]
    publish_help_center(api, api.admin_key, source_id)
    return str(source_id)


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
