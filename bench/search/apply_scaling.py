"""Apply cost follows the change, not the source: a run + apply that changes 10 items of a
20,000-item source against the same change on a 1,000-item source, in one local stack, over HTTP.

    .venv/bin/python bench/search/apply_scaling.py [--sizes 1000 20000]   (via `make bench`)

The stack runs as `make run` runs it, with EmbeddingProvider=none (embedding 20,000 items first
would only lengthen the set-up: a change embeds only its own chunks either way). A run or apply
that answers 202 is polled until it is done; the time is until the source serves the generation.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb")]

from local.deploy import client  # noqa: E402

CHANGED = 10
REPEATS = 3
POLL_SECONDS = 0.05
# Batches of 250, not the allowed 1000: against moto a 1000-item batch takes ~20 s of DynamoDB calls,
# close to the function's 29 s timeout on a busy machine.
PUSH_BATCH = 250
WORDS = [
    "refund",
    "shipping",
    "invoice",
    "password",
    "account",
    "device",
    "warranty",
    "order",
    "payment",
    "delivery",
    "support",
    "plan",
]


def content(i: int, version: int) -> str:
    topic = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(6))
    return f"Article {i} (version {version}) explains {topic}. " * 6


class Client:
    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.http = requests.Session()
        self.headers = {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        reply = self.http.request(method, f"{self.url}{path}", json=body, headers=self.headers, timeout=60)
        assert reply.status_code == expect, reply.text
        return reply.json()


def push(client: Client, source_id: str, ids: range | list[int], version: int) -> None:
    ids = list(ids)
    for start in range(0, len(ids), PUSH_BATCH):
        items = [
            {"externalItemId": f"article-{i}", "title": f"Article {i}", "content": content(i, version)}
            for i in ids[start : start + PUSH_BATCH]
        ]
        result = client.call("POST", f"/v1/sources/{source_id}/items/batch", {"items": items})
        assert result["failed"] == 0, result


def run_and_apply(client: Client, source_id: str) -> tuple[float, dict[str, Any]]:
    """Run, then apply, waiting out 202s by polling (a big first apply outlasts the request)."""
    start = time.perf_counter()
    reply = client.http.post(f"{client.url}/v1/sources/{source_id}/runs", headers=client.headers, timeout=60)
    assert reply.status_code in (201, 202), reply.text
    run = reply.json()["run"]
    while run["status"] != "succeeded":
        assert run["status"] == "running", run
        time.sleep(POLL_SECONDS)
        run = client.call("GET", f"/v1/sources/{source_id}/runs/{run['id']}")["run"]
    reply = client.http.post(
        f"{client.url}/v1/sources/{source_id}/runs/{run['id']}/apply", headers=client.headers, timeout=60
    )
    assert reply.status_code in (200, 202), reply.text
    generation_id = reply.json()["generationId"]
    while client.call("GET", f"/v1/sources/{source_id}")["source"]["currentGenerationId"] != generation_id:
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - start, run["counts"]


def settle(info: dict[str, Any], purge: bool = False) -> float:
    """Wait until no state machine execution runs and the events queue has been empty for two
    seconds: the steady state each measurement starts from. A publish announces a content.* event
    per item after the pointer moved, and moto's SendMessage and ReceiveMessage cost O(queue
    length), so the first apply's backlog (20,000 events, no subscriber) would be billed to the
    next change, and draining it through the local poller takes the better part of an hour: with
    `purge`, it is purged once the executions are done."""
    sqs, sfn = client("sqs", info["moto_endpoint"]), client("stepfunctions", info["moto_endpoint"])
    machines = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]]
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    start, quiet = time.perf_counter(), 0
    while quiet < 2:
        attributes = sqs.get_queue_attributes(QueueUrl=info["events_queue_url"], AttributeNames=names)["Attributes"]
        running = any(
            sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"] for arn in machines
        )
        quiet = 0 if running or any(int(attributes[name]) for name in names) else quiet + 1
        assert time.perf_counter() - start < 1800, attributes
        time.sleep(1)
    return time.perf_counter() - start


def measure(client: Client, size: int, info: dict[str, Any]) -> dict[str, Any]:
    source_id = client.call("POST", "/v1/sources", {"name": f"{size} items"}, expect=201)["source"]["id"]
    start = time.perf_counter()
    push(client, source_id, range(size), 0)
    pushed = time.perf_counter() - start
    print(f"{size}: pushed in {pushed:.1f}s", file=sys.stderr)
    first, counts = run_and_apply(client, source_id)
    print(f"{size}: first run + apply {first:.1f}s; settled in {settle(info, purge=True):.0f}s", file=sys.stderr)
    assert counts["created"] == size, counts
    samples = []
    for version in range(1, REPEATS + 1):
        push(client, source_id, [(version * 7919 + k * 101) % size for k in range(CHANGED)], version)
        seconds, counts = run_and_apply(client, source_id)
        assert (counts["updated"], counts["unchanged"]) == (CHANGED, size - CHANGED), counts
        samples.append(seconds)
        settle(info)
    return {"size": size, "push_s": pushed, "first_apply_s": first, "change_s": samples}


def start_stack(state_dir: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    parameters = ["EmbeddingProvider=none", "RateLimitPerMinute=100000"]
    command = [sys.executable, "-m", "local", "--port", "0", "--state-dir", str(state_dir)]
    for parameter in parameters:
        command += ["--parameter", parameter]
    log = (state_dir / "stack.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    deadline = time.monotonic() + 120
    while not (state_dir / "stack.json").exists():
        assert process.poll() is None and time.monotonic() < deadline, (state_dir / "stack.log").read_text()
        time.sleep(0.2)
    return process, json.loads((state_dir / "stack.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        process, info = start_stack(Path(state))
        try:
            admin = Client(info["api_url"], info["admin_key"])
            writer = admin.call("POST", "/v1/admin/keys", {"name": "bench", "scope": "write"}, expect=201)["secret"]
            rows = [measure(Client(info["api_url"], writer), size, info) for size in args.sizes]
        finally:
            process.terminate()
            process.wait(timeout=30)
    base = statistics.median(rows[0]["change_s"])
    lines = [
        "## Apply cost follows the change, not the source",
        "",
        "Command: `.venv/bin/python bench/search/apply_scaling.py` (part of `make bench`): the local stack over "
        "HTTP, EmbeddingProvider=none.",
        "",
        f"Run + apply of a {CHANGED}-item change, {REPEATS} times per source (median), after a first apply of "
        "the whole source; each timed from the run request until the source serves the new generation, starting "
        "when no execution runs and the events queue is empty; ratio against the smallest source in the same run.",
        "",
        "| items in source | push s | first run + apply s | 10-item change: run + apply s (median; all) | vs smallest |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        median = statistics.median(row["change_s"])
        samples = ", ".join(f"{s:.2f}" for s in row["change_s"])
        lines.append(
            f"| {row['size']:,} | {row['push_s']:.1f} | {row['first_apply_s']:.1f} | {median:.2f} ({samples}) "
            f"| {median / base:.2f}x |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
