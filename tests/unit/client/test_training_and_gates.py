"""The SDK's training, evaluation and held-generation helpers against canned answers
(httpx.MockTransport): what they send, and that waiting ends on every state that stops moving.
The same endpoints against the real API: tests/e2e/test_training.py, tests/e2e/test_evaluation.py."""

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest
from click.testing import CliRunner

from kb_client import AsyncClient, Client, WorkFailedError
from kb_client import cli as kb_cli

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def routed(answers: dict[str, list[httpx.Response]], seen: list[httpx.Request]) -> httpx.MockTransport:
    """Answers by "METHOD path", each route's list in turn (its last answer repeated)."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        queue = answers[f"{request.method} {request.url.path}"]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return httpx.MockTransport(handler)


def sync_client(answers: dict[str, list[httpx.Response]], seen: list[httpx.Request]) -> Client:
    return Client("sk_live_test", "http://api.test/api", http_client=httpx.Client(transport=routed(answers, seen)))


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch):
    monkeypatch.setattr("kb_client.client.time.sleep", lambda seconds: None)

    async def instant(seconds: float) -> None:
        return None

    monkeypatch.setattr("kb_client.async_client.asyncio.sleep", instant)


def generation(status: str) -> dict:
    return {
        "generation": {
            "id": "gen_2",
            "sourceId": "src_1",
            "tenantId": "ten_1",
            "runId": "run_1",
            "status": status,
            "createdAt": "2026-01-01T00:00:00Z",
            "current": False,
            "counts": {},
        }
    }


def job(status: str, done: int = 0, total: int = 2) -> dict:
    return {
        "job": {
            "id": "train_1",
            "tenantId": "ten_1",
            "mode": "apply",
            "status": status,
            "sources": [{"sourceId": "src_1", "status": "published" if status == "completed" else "running"}],
            "progress": {"sourcesDone": done // 2, "sourcesTotal": 1, "itemsDone": done, "itemsTotal": total},
            "createdAt": "2026-01-01T00:00:00Z",
        }
    }


APPLYING = httpx.Response(202, json={"status": "applying", "generationId": "gen_2", "counts": {}})


@pytest.mark.parametrize("final", ["held", "discarded"])
def test_waiting_on_a_generation_ends_when_it_is_held_or_discarded(final):
    # Given a generation that builds, then stops in a state no build will leave
    seen: list[httpx.Request] = []
    client = sync_client(
        {
            "GET /api/v1/sources/src_1/generations/gen_2": [
                httpx.Response(200, json=generation(s)) for s in ("running", final)
            ]
        },
        seen,
    )
    # When the SDK waits on it / Then the wait returns that state instead of polling on
    assert client.generations.wait("src_1", "gen_2").status == final
    assert len(seen) == 2


def test_a_gated_apply_sends_its_gate_and_answers_held_when_the_candidate_regressed():
    seen: list[httpx.Request] = []
    client = sync_client(
        {
            "POST /api/v1/sources/src_1/runs/run_1/apply": [APPLYING],
            "GET /api/v1/sources/src_1/generations/gen_2": [httpx.Response(200, json=generation("held"))],
        },
        seen,
    )
    result = client.runs.apply("src_1", "run_1", gate={"metric": "ndcg", "k": 10, "max_drop": 0.02})
    assert json.loads(seen[0].content) == {"gate": {"metric": "ndcg", "k": 10, "maxDrop": 0.02}}
    assert (result.status, result.generation_id) == ("held", "gen_2")


def test_an_apply_without_a_gate_sends_no_body():
    seen: list[httpx.Request] = []
    client = sync_client(
        {
            "POST /api/v1/sources/src_1/runs/run_1/apply": [
                httpx.Response(200, json={"status": "unchanged", "generationId": "gen_1", "counts": {}})
            ]
        },
        seen,
    )
    assert client.runs.apply("src_1", "run_1").status == "unchanged"
    assert seen[0].content == b""


def test_publish_discard_and_the_report_of_a_held_generation_use_their_routes():
    seen: list[httpx.Request] = []
    report = {
        "evaluation": {
            "generationId": "gen_2",
            "sourceId": "src_1",
            "baselineGenerationId": "gen_1",
            "gate": {"metric": "ndcg", "k": 10, "maxDrop": 0.1},
            "outcome": "held",
            "queryCount": 1,
            "before": 1.0,
            "after": 0.5,
            "regressed": [{"queryId": "q1", "query": "refund", "before": 1.0, "after": 0.5}],
            "evaluatedAt": "2026-01-01T00:00:00Z",
        }
    }
    base = "/api/v1/sources/src_1/generations/gen_2"
    client = sync_client(
        {
            f"GET {base}/evaluation": [httpx.Response(200, json=report)],
            f"POST {base}/publish": [httpx.Response(200, json={"status": "published", "generationId": "gen_2"})],
            f"POST {base}/discard": [httpx.Response(200, json={"status": "discarded", "generationId": "gen_2"})],
        },
        seen,
    )
    evaluation = client.generations.evaluation("src_1", "gen_2")
    assert evaluation.regressed is not None
    assert (evaluation.before, evaluation.after, evaluation.regressed[0].query_id) == (1.0, 0.5, "q1")
    assert client.generations.publish("src_1", "gen_2").status == "published"
    assert client.generations.discard("src_1", "gen_2").status == "discarded"
    assert "Idempotency-Key" in seen[1].headers and "Idempotency-Key" in seen[2].headers


def test_an_evaluation_query_is_put_by_its_id_with_camel_case_fields():
    seen: list[httpx.Request] = []
    stored = {
        "query": {
            "id": "refund-time",
            "sourceId": "src_1",
            "query": "refund",
            "relevantItemIds": ["refunds"],
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z",
        }
    }
    path = "/api/v1/sources/src_1/evaluation/queries/refund-time"
    client = sync_client(
        {f"PUT {path}": [httpx.Response(201, json=stored)], f"DELETE {path}": [httpx.Response(200, json=stored)]}, seen
    )
    assert client.evaluation.put("src_1", "refund-time", "refund", ["refunds"], language="en").id == "refund-time"
    assert json.loads(seen[0].content) == {"query": "refund", "relevantItemIds": ["refunds"], "language": "en"}
    assert client.evaluation.delete("src_1", "refund-time").relevant_item_ids == ["refunds"]


def test_a_training_job_started_with_wait_is_polled_to_its_end_reporting_progress():
    # Given a job that is accepted, runs, and completes
    seen: list[httpx.Request] = []
    client = sync_client(
        {
            "POST /api/v1/train": [httpx.Response(202, json=job("queued"))],
            "GET /api/v1/train/status": [
                httpx.Response(200, json=job(s, d)) for s, d in (("running", 1), ("completed", 2))
            ],
        },
        seen,
    )
    progress: list[tuple[int | None, int | None]] = []
    # When it is started with wait
    done = client.training.start(
        ["src_1"],
        mode="rebuild",
        gate={"metric": "recall", "k": 5},
        wait=True,
        on_progress=lambda j: progress.append((j.progress.items_done, j.progress.items_total)),
    )
    # Then the body is the API's, each poll names the job, and the progress is seen as it grows
    assert json.loads(seen[0].content) == {
        "sourceIds": ["src_1"],
        "mode": "rebuild",
        "gate": {"metric": "recall", "k": 5},
    }
    assert {r.url.params["jobId"] for r in seen[1:]} == {"train_1"}
    assert progress == [(1, 2), (2, 2)]
    assert done.status == "completed"


def test_the_async_client_waits_for_a_cancelled_job_too():
    seen: list[httpx.Request] = []
    answers = {
        "POST /api/v1/train/cancel": [httpx.Response(200, json=job("cancelling"))],
        "GET /api/v1/train/status": [httpx.Response(200, json=job(s)) for s in ("cancelling", "cancelled")],
    }

    async def scenario() -> str:
        async with AsyncClient(
            "sk_live_test", "http://api.test/api", http_client=httpx.AsyncClient(transport=routed(answers, seen))
        ) as client:
            await client.training.cancel("train_1")
            return (await client.training.wait("train_1")).status

    assert asyncio.run(scenario()) == "cancelled"
    assert json.loads(seen[0].content) == {"jobId": "train_1"}


def test_kb_train_start_wait_prints_the_outcome_and_fails_a_failed_job(monkeypatch):
    # Given an API whose job fails
    seen: list[httpx.Request] = []
    failed = job("failed")
    failed["job"]["sources"][0].update(status="failed", errorCode="rebuild_required")
    answers = {
        "POST /api/v1/train": [httpx.Response(202, json=job("queued"))],
        "GET /api/v1/train/status": [httpx.Response(200, json=failed)],
    }
    monkeypatch.setattr(
        kb_cli,
        "Client",
        lambda key, url, stream_url=None: Client(key, url, http_client=httpx.Client(transport=routed(answers, seen))),
    )
    # When `kb train start --wait` runs
    result = CliRunner().invoke(
        kb_cli.cli, ["--key", "sk_live_test", "--url", "http://api.test/api", "train", "start", "src_1", "--wait"]
    )
    # Then it names the job, its state and the source's error code, and exits non-zero
    assert result.exit_code == 2
    assert "train_1 failed" in result.output and "src_1 failed rebuild_required" in result.output


def test_a_gated_apply_whose_generation_was_discarded_while_waiting_raises_its_code():
    client = sync_client(
        {
            "POST /api/v1/sources/src_1/runs/run_1/apply": [APPLYING],
            "GET /api/v1/sources/src_1/generations/gen_2": [httpx.Response(200, json=generation("discarded"))],
        },
        [],
    )
    with pytest.raises(WorkFailedError) as raised:
        client.runs.apply("src_1", "run_1", gate={"metric": "ndcg"})
    assert raised.value.code == "generation_discarded"
