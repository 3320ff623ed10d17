"""Evaluation-gated publishing over HTTP: a gated apply holds a candidate that makes the
evaluation set's results worse and publishes one that makes them better; a held generation is
published or discarded on its owner's word (racing requests: exactly one decision), never once
the generation it was evaluated against stopped serving; generation.held reaches a receiver."""

import json
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import POLL_SECONDS, push, run, run_and_apply
from tests.e2e.receiver import Receiver, start_receiver
from tests.helpers import ROOT

GATE = {"metric": "ndcg", "k": 10, "maxDrop": 0.1}
REFUNDS = "Refunds are paid back to the original card within 14 days of the return."
UNRELATED = "Our office cat is called Whiskers and sleeps on the printer."


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def gated_apply(api, key, source_id, run_id, gate=GATE) -> dict[str, Any]:
    """Apply with a gate; a 202 is polled until the generation is published, held or failed."""
    reply = api.call("POST", f"/v1/sources/{source_id}/runs/{run_id}/apply", key, {"gate": gate})
    assert reply.status_code in (200, 202), reply.text
    result: dict[str, Any] = reply.json()
    if reply.status_code == 202:
        path = f"/v1/sources/{source_id}/generations/{result['generationId']}"
        deadline = time.monotonic() + POLL_SECONDS
        while (status := api.call("GET", path, key).json()["generation"]["status"]) in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        result["status"] = {"succeeded": "published"}.get(status, status)
    return result


def serving(api, key, source_id) -> str:
    return api.call("GET", f"/v1/sources/{source_id}", key).json()["source"]["currentGenerationId"]


def held_candidate(api, key, source_id) -> tuple[str, str]:
    """A published generation whose refunds item answers the evaluation query, then a gated
    candidate in which that item talks about something else: (serving id, held id)."""
    push(api, key, source_id, "refunds", REFUNDS)
    push(api, key, source_id, "shipping", "Parcels leave the warehouse within two business days.")
    push(api, key, source_id, "warranty", "The warranty covers repairs for two years.")
    _, first = run_and_apply(api, key, source_id)
    body = {"query": "how long until my refund is paid back", "relevantItemIds": ["refunds"]}
    assert api.call("PUT", f"/v1/sources/{source_id}/evaluation/queries/refund-time", key, body).status_code == 201
    push(api, key, source_id, "refunds", UNRELATED)
    candidate = gated_apply(api, key, source_id, run(api, key, source_id)["id"])
    assert candidate["status"] == "held", candidate
    return first["generationId"], candidate["generationId"]


def test_a_regressing_candidate_is_held_with_its_report_and_announced(api, writer_key, source_id, receiver):
    # Given a receiver of generation.held
    path = f"/ok/{uuid.uuid4().hex}"
    hook = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["generation.held"]})
    assert hook.status_code == 201, hook.text
    # When a gated apply's candidate makes the relevant item irrelevant
    first, held = held_candidate(api, writer_key, source_id)
    # Then it is kept but not published: the first generation still serves search
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{held}", writer_key).json()["generation"]
    assert (generation["status"], generation["current"], serving(api, writer_key, source_id)) == ("held", False, first)
    found = api.call("POST", "/v1/search", writer_key, {"query": "refund", "sourceIds": [source_id]}).json()
    assert {r["generationId"] for r in found["results"]} == {first}
    # And the report names the metric before and after and the query that got worse
    report = api.call("GET", f"/v1/sources/{source_id}/generations/{held}/evaluation", writer_key).json()["evaluation"]
    assert (report["outcome"], report["baselineGenerationId"], report["queryCount"]) == ("held", first, 1)
    assert report["before"] == 1.0 and report["after"] < 0.9 and report["gate"] == GATE
    assert [(q["queryId"], q["before"], q["after"]) for q in report["regressed"]] == [
        ("refund-time", 1.0, report["after"])
    ]
    # And the receiver got generation.held for it
    events = [json.loads(r.body) for r in receiver.wait_for(path, 1)]
    held_events = [e for e in events if e["data"]["generationId"] == held]
    assert held_events and held_events[0]["type"] == "generation.held"
    assert (held_events[0]["data"]["before"], held_events[0]["data"]["baselineGenerationId"]) == (1.0, first)
    api.call("DELETE", f"/v1/webhooks/{hook.json()['webhook']['id']}", api.admin_key)


def test_an_improving_candidate_publishes_and_an_ungated_one_has_no_report(api, writer_key, source_id):
    # Given a published generation whose refunds item says nothing about refunds
    push(api, writer_key, source_id, "refunds", UNRELATED)
    push(api, writer_key, source_id, "shipping", "Parcels leave the warehouse within two business days.")
    _, first = run_and_apply(api, writer_key, source_id)
    body = {"query": "how long until my refund is paid back", "relevantItemIds": ["refunds"]}
    api.call("PUT", f"/v1/sources/{source_id}/evaluation/queries/refund-time", writer_key, body)
    # When a gated apply makes it answer the query
    push(api, writer_key, source_id, "refunds", REFUNDS)
    applied = gated_apply(api, writer_key, source_id, run(api, writer_key, source_id)["id"])
    # Then it is published, and its report shows the gain
    assert applied["status"] == "published" and serving(api, writer_key, source_id) == applied["generationId"]
    path = f"/v1/sources/{source_id}/generations/{applied['generationId']}/evaluation"
    report = api.call("GET", path, writer_key).json()["evaluation"]
    assert (report["outcome"], report["after"], report["regressed"], report["improvedCount"]) == ("passed", 1.0, [], 1)
    assert report["before"] < 1.0
    # And the first generation, applied without a gate, was never evaluated
    missing = api.call("GET", f"/v1/sources/{source_id}/generations/{first['generationId']}/evaluation", writer_key)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_evaluated")


def test_racing_publishes_and_a_discard_of_a_held_generation_decide_once(api, writer_key, source_id):
    # Given a held candidate
    first, held = held_candidate(api, writer_key, source_id)
    # When two publishes and a discard race for it
    barrier = threading.Barrier(3)
    answers: dict[str, Any] = {}

    def decide(name: str, action: str) -> None:
        barrier.wait()
        answers[name] = api.call("POST", f"/v1/sources/{source_id}/generations/{held}/{action}", writer_key)

    threads = [
        threading.Thread(target=decide, args=(name, name.rstrip("12"))) for name in ("publish1", "publish2", "discard")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one decision was taken, and the losers say why
    codes = {name: reply.status_code for name, reply in answers.items()}
    status = api.call("GET", f"/v1/sources/{source_id}/generations/{held}", writer_key).json()["generation"]["status"]
    if codes["discard"] == 200:
        assert (status, serving(api, writer_key, source_id)) == ("discarded", first)
        assert {answers[n].json()["code"] for n in ("publish1", "publish2")} == {"generation_not_held"}
    else:
        assert (codes["publish1"], codes["publish2"], answers["discard"].json()["code"]) == (
            200,
            200,
            "generation_not_held",
        )
        assert (status, serving(api, writer_key, source_id)) == ("succeeded", held)


def test_a_held_generation_cannot_publish_once_its_baseline_stopped_serving(api, writer_key, source_id):
    # Given a held candidate, and then another generation published over the one it was evaluated against
    _, held = held_candidate(api, writer_key, source_id)
    push(api, writer_key, source_id, "returns", "Returns are free within 30 days.")
    _, newer = run_and_apply(api, writer_key, source_id)
    # When its owner publishes it
    reply = api.call("POST", f"/v1/sources/{source_id}/generations/{held}/publish", writer_key)
    # Then it is refused with the reason, and the newer generation keeps serving
    assert (reply.status_code, reply.json()["code"]) == (409, "evaluation_stale")
    assert serving(api, writer_key, source_id) == newer["generationId"]
    # And it can still be discarded (twice: the repeat answers the same)
    for _ in range(2):
        discarded = api.call("POST", f"/v1/sources/{source_id}/generations/{held}/discard", writer_key).json()
        assert (discarded["status"], discarded["generationId"]) == ("discarded", held)


def test_the_worked_example_in_docs_evaluation_md_runs(api, writer_key):
    # Given the bash blocks of docs/evaluation.md, in order, as one script
    text = (ROOT / "docs" / "evaluation.md").read_text()
    script = "\n".join(re.findall(r"```bash\n(.*?)```", text, flags=re.S))
    # When they run against the stack
    env = {"CHATBOT_API": api.url, "CHATBOT_KEY": writer_key, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    # Then every step prints what the document says it prints
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    expected = [line.removeprefix("# → ").split("   ")[0] for line in text.splitlines() if line.startswith("# → ")]
    assert done.stdout.split() == expected, done.stdout
