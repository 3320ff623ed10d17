"""Training end to end: POST /v1/train over real HTTP against the local stack, the train state
machine running from its ASL file, events at a real receiver. Sources hold a few items each."""

import json
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Api, push, run_and_apply
from tests.e2e.receiver import Receiver, start_receiver, wait_until
from tests.helpers import ROOT

DEADLINE_SECONDS = 120


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def subscribe_training(api: Api, receiver: Receiver) -> str:
    path = f"/ok/{uuid.uuid4().hex}"
    reply = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["training.*"]})
    assert reply.status_code == 201, reply.text
    return path


def events_of(receiver: Receiver, path: str, job_id: str) -> list[str]:
    bodies = [json.loads(r.body) for r in receiver.received(path)]
    return [b["type"] for b in bodies if b["data"].get("jobId") == job_id]


def new_source(api: Api, key: str, items: int, **settings: Any) -> str:
    reply = api.call("POST", "/v1/sources", key, {"name": "Training", **settings})
    assert reply.status_code == 201, reply.text
    source_id: str = reply.json()["source"]["id"]
    for i in range(items):
        body = f"Section {i}. " + " ".join(f"Refund rule {i}.{n} applies to orders in region {n}." for n in range(12))
        assert push(api, key, source_id, f"doc-{i}", body, title=f"Doc {i}").status_code in (200, 201)
    return source_id


def train(api: Api, key: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", "/v1/train", key, body)
    assert reply.status_code == 202, reply.text
    assert reply.headers["Location"].startswith("/api/v1/train/status?jobId=")
    job: dict[str, Any] = reply.json()["job"]
    return job


def finished(api: Api, key: str, job_id: str) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        job: dict[str, Any] = api.call("GET", f"/v1/train/status?jobId={job_id}", key).json()["job"]
        return job if job["status"] in ("completed", "failed", "cancelled") else None

    job: dict[str, Any] = wait_until(ended, timeout=DEADLINE_SECONDS)
    return job


def source_of(api: Api, key: str, source_id: str) -> dict[str, Any]:
    source: dict[str, Any] = api.call("GET", f"/v1/sources/{source_id}", key).json()["source"]
    return source


def generations_of(api: Api, key: str, source_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.call("GET", f"/v1/sources/{source_id}/generations", key).json()["generations"]
    return found


def test_training_applies_pending_changes_with_counted_progress_and_events(api, writer_key, receiver):
    # Given two sources with unpublished items and a receiver of training events
    path = subscribe_training(api, receiver)
    first, second = new_source(api, writer_key, 2), new_source(api, writer_key, 3)
    # When a training job applies both
    job = train(api, writer_key, {"sourceIds": [first, second], "mode": "apply"})
    done = finished(api, writer_key, job["id"])
    # Then it completed, every source published, with its progress counted done of total
    assert done["status"] == "completed", done
    assert [s["status"] for s in done["sources"]] == ["published", "published"]
    progress = done["progress"]
    assert (progress["sourcesDone"], progress["sourcesTotal"]) == (2, 2)
    assert (progress["itemsDone"], progress["itemsTotal"]) == (5, 5)
    assert progress["chunksDone"] == progress["chunksTotal"] >= 5
    # And each source serves the generation the job built
    for entry in done["sources"]:
        assert source_of(api, writer_key, entry["sourceId"])["currentGenerationId"] == entry["generationId"]
    # And the receiver got training.started then training.completed
    wait_until(lambda: "training.completed" in events_of(receiver, path, job["id"]), timeout=40)
    assert events_of(receiver, path, job["id"])[0] == "training.started"
    # And the job is listed, newest first
    listed = api.call("GET", "/v1/train/jobs?limit=1", writer_key).json()
    assert listed["jobs"][0]["id"] == job["id"]
    # And its duration reached the tenant's performance analytics
    durations = api.call("GET", "/v1/analytics/performance", api.admin_key).json()["durations"]
    assert any(d["kind"] == "training" and d["count"] >= 1 for d in durations), durations


def test_a_training_jobs_gate_holds_a_source_whose_candidate_regresses(api, writer_key):
    # Given a published source whose refunds item answers its evaluation query
    source_id = new_source(api, writer_key, 0)
    push(api, writer_key, source_id, "refunds", "Refunds are paid back to the original card within 14 days.")
    push(api, writer_key, source_id, "shipping", "Parcels leave the warehouse within two business days.")
    _, first = run_and_apply(api, writer_key, source_id)
    query = {"query": "how long until my refund is paid back", "relevantItemIds": ["refunds"]}
    path = f"/v1/sources/{source_id}/evaluation/queries/refund-time"
    assert api.call("PUT", path, writer_key, query).status_code == 201
    # And a pending change that makes that item talk about something else
    push(api, writer_key, source_id, "refunds", "Our office cat is called Whiskers and sleeps on the printer.")
    # When a training job applies it behind a gate
    gate = {"metric": "ndcg", "k": 10, "maxDrop": 0.1}
    done = finished(api, writer_key, train(api, writer_key, {"sourceIds": [source_id], "gate": gate})["id"])
    # Then the job completed with the source held, and the first generation still serves
    assert done["status"] == "completed", done
    [entry] = done["sources"]
    assert entry["status"] == "held", entry
    assert source_of(api, writer_key, source_id)["currentGenerationId"] == first["generationId"]
    # And the held generation carries the evaluation's report
    report_path = f"/v1/sources/{source_id}/generations/{entry['generationId']}/evaluation"
    report = api.call("GET", report_path, writer_key).json()["evaluation"]
    assert (report["outcome"], report["baselineGenerationId"], report["before"]) == ("held", first["generationId"], 1.0)


def test_two_concurrent_starts_one_job_runs_the_other_is_refused(api, writer_key, controls):
    # Given a source whose training will be held at its run
    source_id = new_source(api, writer_key, 1)
    controls.hold_tasks(source_id)
    replies: list[Any] = []
    barrier = threading.Barrier(2)

    def start() -> None:
        barrier.wait()
        replies.append(api.call("POST", "/v1/train", writer_key, {"sourceIds": [source_id]}))

    # When two trainings are started at the same moment
    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one started, the other is 409 training_in_progress
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [202, 409], [r.text for r in replies]
    refused = next(r for r in replies if r.status_code == 409)
    assert refused.json()["code"] == "training_in_progress"
    winner = next(r for r in replies if r.status_code == 202).json()["job"]
    controls.release_tasks(source_id)
    assert finished(api, writer_key, winner["id"])["status"] == "completed"


def test_a_cancel_during_a_build_leaves_the_previous_generation_serving_and_frees_the_source(
    api, writer_key, controls, receiver
):
    # Given a published source with a pending change, and a second source, trained together
    path = subscribe_training(api, receiver)
    held, later = new_source(api, writer_key, 2), new_source(api, writer_key, 1)
    _, published = run_and_apply(api, writer_key, held)
    push(api, writer_key, held, "doc-9", "A new section about shipping times to islands.")
    controls.hold_tasks(held)
    job = train(api, writer_key, {"sourceIds": [held, later]})
    # (the first source is visibly running: its run is planning, held)
    running = wait_until(
        lambda: (
            (j := api.call("GET", "/v1/train/status", writer_key).json()["job"])["sources"][0]["status"] == "running"
            and j
        )
    )
    assert running["status"] == "running"
    assert (running["progress"]["sourcesDone"], running["progress"]["sourcesTotal"]) == (0, 2)
    # When the job is cancelled while the first source is being planned, then the source released
    cancelled = api.call("POST", "/v1/train/cancel", writer_key, {"jobId": job["id"]})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["job"]["status"] == "cancelling"
    controls.release_tasks(held)
    done = finished(api, writer_key, job["id"])
    # Then the job is cancelled, no source moved: the first still serves its previous generation
    assert done["status"] == "cancelled", done
    assert [s["status"] for s in done["sources"]] == ["cancelled", "cancelled"]
    assert source_of(api, writer_key, held)["currentGenerationId"] == published["generationId"]
    assert source_of(api, writer_key, later).get("currentGenerationId") is None
    # And nothing is left half-built: every generation is published or failed
    assert {g["status"] for g in generations_of(api, writer_key, held)} <= {"succeeded", "failed"}
    # And the lease is free: a plain run and apply publishes
    _, applied = run_and_apply(api, writer_key, held)
    assert applied["status"] == "published"
    # And the receiver got training.cancelled
    wait_until(lambda: "training.cancelled" in events_of(receiver, path, job["id"]), timeout=40)
    # And a second cancel of the finished job is refused
    again = api.call("POST", "/v1/train/cancel", writer_key, {"jobId": job["id"]})
    assert (again.status_code, again.json()["code"]) == (409, "training_not_running")


def test_a_cancel_racing_completion_ends_one_way_with_every_source_whole(api, writer_key):
    # Given a training job over a small source
    source_id = new_source(api, writer_key, 1)
    job = train(api, writer_key, {"sourceIds": [source_id]})
    # When a cancel is sent at once, racing the job's end
    cancel = api.call("POST", "/v1/train/cancel", writer_key, {"jobId": job["id"]})
    done = finished(api, writer_key, job["id"])
    # Then either the cancel landed (cancelled) or the job had finished (409 and completed)
    if cancel.status_code == 200:
        assert done["status"] == "cancelled", done
    else:
        assert (cancel.status_code, cancel.json()["code"], done["status"]) == (409, "training_not_running", "completed")
    # And the source is on a complete generation or none, never a half-built one
    current = source_of(api, writer_key, source_id).get("currentGenerationId")
    statuses = {g["id"]: g["status"] for g in generations_of(api, writer_key, source_id)}
    assert current is None or statuses[current] == "succeeded"
    assert set(statuses.values()) <= {"succeeded", "failed"}
    # And its lease is free: a plain run and apply publishes
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["status"] == "published"


def worked_example() -> str:
    """The bash block under docs/training.md's "Worked example"."""
    text = (ROOT / "docs" / "training.md").read_text()
    section = text.split("## Worked example", 1)[1]
    return section.split("```bash\n", 1)[1].split("```", 1)[0]


def test_the_worked_example_of_docs_training(api, writer_key):
    # Given the docs' worked example (apply, a chunking change, a refused apply, a rebuild)
    env = {**os.environ, "CHATBOT_API": api.url, "CHATBOT_KEY": writer_key}
    # When it runs against the stack
    done = subprocess.run(
        [shutil.which("bash") or "bash", "-c", worked_example()], env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    # Then the first job applied, the incremental apply after the chunking change was refused,
    # and the rebuild published every item cut the new (finer) way
    assert (summary["applied"], summary["refused"], summary["rebuilt"]) == (
        "completed",
        "rebuild_required",
        "completed",
    )
    assert (summary["progress"]["itemsDone"], summary["progress"]["itemsTotal"]) == (2, 2)
    assert summary["chunksAfter"] > summary["chunksBefore"]
    # And the API agrees: the rebuilt generation serves, built with settings version 2
    source = source_of(api, writer_key, summary["sourceId"])
    assert (source["currentGenerationId"], source["settingsVersion"]) == (summary["generationId"], 2)
    # And incremental applies work again after the rebuild
    push(api, writer_key, summary["sourceId"], "page-3", "One more page about sick leave.")
    _, applied = run_and_apply(api, writer_key, summary["sourceId"])
    assert applied["status"] == "published"
