"""Apply cost follows the change, not the source: a run + apply that changes 10 items of a
100,000-item source against the same change on a 1,000-item source, in one local stack, over HTTP;
and the first apply of 20,000 items against today's pipeline (the baseline commit) in the same run.

    .venv/bin/python bench/search/apply_scaling.py [--sizes 1000 20000 100000] [--baseline 2cea6a9] [--samples 1]
    .venv/bin/python bench/search/apply_scaling.py --sizes --samples 2   # first applies only, in turn

The stack runs as `make run` runs it, with EmbeddingProvider=bedrock answered by a stub of fixed
latency per call (`python -m local --stub-bedrock-ms`), so the figures measure our pipeline (its
concurrency, batching and storage), not a model. The baseline is the baseline commit's functions,
layer, state machines and template (`git archive`) in a temporary directory with this tree's whole
`local/` (one emulator for both pipelines), the same stub installed under the name its build
function calls; that commit's code is otherwise untouched. A run or apply that answers 202 is
polled until it is done; the time is until the source serves the generation.
"""

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb")]

from local.deploy import client  # noqa: E402

CHANGED = 10
REPEATS = 3
POLL_SECONDS = 0.05
PUSH_BATCH = 500
PUSH_CONCURRENCY = 2  # batches in flight: the batch path is ~1 s per 1,000 items here
STUB_MS = 10.0  # a Titan call's fixed latency in the stub (real ones take tens of milliseconds)
BASELINE_SIZE = 20000
GIT = shutil.which("git") or "/usr/bin/git"
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

    def one(start: int) -> None:
        items = [
            {"externalItemId": f"article-{i}", "title": f"Article {i}", "content": content(i, version)}
            for i in ids[start : start + PUSH_BATCH]
        ]
        result = client.call("POST", f"/v1/sources/{source_id}/items/batch", {"items": items})
        assert result["failed"] == 0, result

    with ThreadPoolExecutor(max_workers=PUSH_CONCURRENCY) as pool:
        list(pool.map(one, range(0, len(ids), PUSH_BATCH)))


def run_and_apply(client: Client, source_id: str) -> tuple[float, dict[str, Any]]:
    """Run, then apply, waiting out 202s by polling (a big first apply outlasts the request)."""
    start = time.perf_counter()
    reply = client.http.post(f"{client.url}/v1/sources/{source_id}/runs", headers=client.headers, timeout=60)
    assert reply.status_code in (201, 202), reply.text
    run = reply.json()["run"]
    while run["status"] != "succeeded":
        assert run["status"] in ("queued", "running"), run  # a big run may not have started in 20 s
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
        if purge and not running and any(int(attributes[name]) for name in names):
            sqs.purge_queue(QueueUrl=info["events_queue_url"])
        quiet = 0 if running or any(int(attributes[name]) for name in names) else quiet + 1
        assert time.perf_counter() - start < 1800, attributes
        time.sleep(1)
    return time.perf_counter() - start


def measure(client: Client, size: int, info: dict[str, Any], repeats: int = REPEATS) -> dict[str, Any]:
    source_id = client.call("POST", "/v1/sources", {"name": f"{size} items"}, expect=201)["source"]["id"]
    start = time.perf_counter()
    push(client, source_id, range(size), 0)
    pushed = time.perf_counter() - start
    print(f"{size}: pushed in {pushed:.1f}s", file=sys.stderr)
    first, counts = run_and_apply(client, source_id)
    print(f"{size}: first run + apply {first:.1f}s", file=sys.stderr)
    if repeats:  # the changes below start from a steady state; a first apply alone ends here
        print(f"{size}: settled in {settle(info, purge=True):.0f}s", file=sys.stderr)
    assert counts["created"] == size, counts
    samples = []
    for version in range(1, repeats + 1):
        push(client, source_id, [(version * 7919 + k * 101) % size for k in range(CHANGED)], version)
        seconds, counts = run_and_apply(client, source_id)
        assert (counts["updated"], counts["unchanged"]) == (CHANGED, size - CHANGED), counts
        samples.append(seconds)
        settle(info)
    row = {"size": size, "push_s": pushed, "first_apply_s": first, "change_s": samples}
    print(f"row: {json.dumps(row)}", file=sys.stderr)
    return row


# Limits raised so a benchmark's own traffic is never throttled or refused.
UNLIMITED = (
    "RateLimitPerMinute=100000",
    "RateLimitPerHour=10000000",
    "RateLimitPerDay=100000000",
    "BulkRateLimitPerMinute=100000",
    "QuotaMaxItems=10000000",  # the largest a deployment may set (kb.settings.LIMIT_MAX)
    "QuotaMaxStoredBytes=1000000000000000",
)


def start_stack(
    state_dir: Path,
    root: Path = ROOT,
    stub_ms: float | None = None,
    parameters: Sequence[str] = (),
    timeout: float = 120,
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """A local stack from `root` (`python -m local`), unlimited, embedding through Bedrock answered
    by the stub at `stub_ms` per call (no embeddings without it); `parameters` ("Name=value")
    override any of that, the last one given winning."""
    command = [sys.executable, "-m", "local", "--port", "0", "--state-dir", str(state_dir)]
    if stub_ms is not None:
        command += ["--stub-bedrock-ms", str(stub_ms)]
    embedding = f"EmbeddingProvider={'none' if stub_ms is None else 'bedrock'}"
    for parameter in (embedding, *UNLIMITED, *parameters):
        command += ["--parameter", parameter]
    log = (state_dir / "stack.log").open("w")
    process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    deadline = time.monotonic() + timeout
    while not (state_dir / "stack.json").exists():
        assert process.poll() is None and time.monotonic() < deadline, (state_dir / "stack.log").read_text()
        time.sleep(0.2)
    return process, json.loads((state_dir / "stack.json").read_text())


# The baseline commit predates the stub and the adapters' Bedrock seam: its build function calls the
# `get_bedrock` it imported, so the same stub is installed there under that name.
BASELINE_SHIM = """

def _install_stub_by_name(latency_ms, module):
    client = StubBedrock(latency_ms / 1000)
    if hasattr(module, "get_bedrock"):
        module.get_bedrock = lambda: client


install_stub = _install_stub_by_name
"""


def baseline_tree(commit: str, into: Path) -> Path:
    """The baseline commit's functions, layer, state machines and template (`git archive`) run by
    this tree's whole emulator (`local/`, the same moto and its fixes, the same .venv): both
    pipelines on one emulator, so the ratio is the pipelines'. Only the stub's install differs."""
    tree = into / "baseline"
    tree.mkdir()
    archive = subprocess.run([GIT, "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(tree, filter="data")  # the filter refuses paths that escape the tree
    shutil.rmtree(tree / "local")
    shutil.copytree(ROOT / "local", tree / "local", ignore=shutil.ignore_patterns("__pycache__"))
    with (tree / "local" / "stub_bedrock.py").open("a") as stub:
        stub.write(BASELINE_SHIM)
    for name in (".venv", ".venv-sam", "node_modules"):
        (tree / name).symlink_to(ROOT / name)
    return tree


def with_stack(root: Path, stub_ms: float, work: Any) -> Any:
    with tempfile.TemporaryDirectory() as state:
        process, info = start_stack(Path(state), root, stub_ms)
        try:
            admin = Client(info["api_url"], info["admin_key"])
            writer = admin.call("POST", "/v1/admin/keys", {"name": "bench", "scope": "write"}, expect=201)["secret"]
            return work(Client(info["api_url"], writer), info)
        finally:
            process.terminate()
            process.wait(timeout=30)


def first_apply(root: Path, stub_ms: float) -> dict[str, Any]:
    """One first run + apply of BASELINE_SIZE items on a fresh stack from `root`."""
    return with_stack(root, stub_ms, lambda c, info: measure(c, BASELINE_SIZE, info, repeats=0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 20000, 100000], help="none: first applies only")
    parser.add_argument("--baseline", default="2cea6a9", help="commit whose first apply is the baseline ('' skips)")
    parser.add_argument(
        "--samples", type=int, default=1, help="first applies of 20,000 items per pipeline, baseline and ours in turn"
    )
    parser.add_argument("--stub-ms", type=float, default=STUB_MS)
    args = parser.parse_args()
    baseline: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    if args.baseline:  # first: a baseline that cannot start fails the benchmark early
        with tempfile.TemporaryDirectory() as scratch:
            tree = baseline_tree(args.baseline, Path(scratch))
            for sample in range(args.samples):
                baseline.append(first_apply(tree, args.stub_ms))
                print(f"baseline: {json.dumps(baseline[-1])}", file=sys.stderr)
                # Ours in turn, except the last when the 20,000-item row below is a sample too.
                if sample < args.samples - 1 or BASELINE_SIZE not in args.sizes:
                    ours.append(first_apply(ROOT, args.stub_ms))
    rows = []
    if args.sizes:
        rows = with_stack(ROOT, args.stub_ms, lambda c, info: [measure(c, size, info) for size in args.sizes])
    ours += [row for row in rows if row["size"] == BASELINE_SIZE]
    print(report(rows, baseline, ours, args))


def report(
    rows: list[dict[str, Any]], baseline: list[dict[str, Any]], ours: list[dict[str, Any]], args: argparse.Namespace
) -> str:
    lines = [
        "## Apply cost follows the change, not the source",
        "",
        f"Command: `{' '.join(['.venv/bin/python bench/search/apply_scaling.py', *sys.argv[1:]])}` "
        "(`make bench` runs it without arguments): the local stack over "
        f"HTTP, EmbeddingProvider=bedrock answered by a stub of {args.stub_ms:g} ms per call "
        "(`python -m local --stub-bedrock-ms`).",
    ]
    if rows:
        base = statistics.median(rows[0]["change_s"])
        lines += [
            "",
            f"Run + apply of a {CHANGED}-item change, {REPEATS} times per source (median), after a first apply of "
            "the whole source; each timed from the run request until the source serves the new generation, starting "
            "when no execution runs and the events queue is empty; ratio against the smallest source in the same run.",
            "",
            "| items in source | push s | first run + apply s | 10-item change: run + apply s (median; all) "
            "| vs smallest |",
            "|---|---|---|---|---|",
        ]
        for row in rows:
            median = statistics.median(row["change_s"])
            samples = ", ".join(f"{s:.2f}" for s in row["change_s"])
            lines.append(
                f"| {row['size']:,} | {row['push_s']:.1f} | {row['first_apply_s']:.1f} | {median:.2f} ({samples}) "
                f"| {median / base:.2f}x |"
            )
    if baseline and ours:
        base_s = statistics.median(row["first_apply_s"] for row in baseline)
        lines += [
            "",
            f"First run + apply of {BASELINE_SIZE:,} items against the baseline commit `{args.baseline}` in the same "
            "run: its functions, layer, state machines and template on this tree's emulator (`local/`, same .venv, "
            "same stub), each sample a fresh stack, the pipelines in turn; medians:",
            "",
            "| pipeline | samples | push s (median) | first run + apply s: median (all) | speed-up |",
            "|---|---|---|---|---|",
        ]
        for name, runs in ((f"baseline `{args.baseline}`", baseline), ("this tree", ours)):
            median = statistics.median(row["first_apply_s"] for row in runs)
            pushed = statistics.median(row["push_s"] for row in runs)
            every = ", ".join(f"{row['first_apply_s']:.1f}" for row in runs)
            lines.append(f"| {name} | {len(runs)} | {pushed:.1f} | {median:.1f} ({every}) | {base_s / median:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
