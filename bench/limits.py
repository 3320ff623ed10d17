"""What limits cost a request: DynamoDB calls and in-process time of the rate limiter (four windows
in one record) against the one-window limiter it replaced (commit 9a219ac, loaded from git), and of
a staging write that moves the tenant's usage (a two-item transaction) against one that does not
(a single put), in one run, against moto in memory with the local stack's fixes.

    .venv/bin/python bench/limits.py [--requests 3000] [--writes 500]   (via `make bench`)

Each limiter counts the same requests of one key, one a second of a simulated clock (so a minute
rolls over every 60 requests, as for a key at a steady 1 request/s), interleaved in blocks so noise
falls on both alike. Calls are counted on the client; times are medians of the blocks' per-request
means. moto's time is not DynamoDB's: the calls (and DynamoDB's billing of them) are the figures
that carry over to AWS, the times only compare the two code paths on one emulator."""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb")]

from moto import mock_aws  # noqa: E402

from kb.blobs import BlobStore  # noqa: E402
from kb.ids import iso_now, new_id  # noqa: E402
from kb.items.models import UpsertItemRequest  # noqa: E402
from kb.items.repository import ItemRepository  # noqa: E402
from kb.items.service import upsert_item  # noqa: E402
from kb.observability import metrics  # noqa: E402
from kb.ratelimit import Limits, RateLimiter  # noqa: E402
from kb.sources.models import Source  # noqa: E402
from kb.sources.repository import SourceRepository  # noqa: E402
from kb.storage import Table  # noqa: E402
from local.deploy import create_table  # noqa: E402
from local.emulator_fixes import (  # noqa: E402
    conditions_are_parsed_once,
    serialize_dynamodb_requests,
    transactions_snapshot_their_items,
)
from local.template import read_template  # noqa: E402

BASELINE_COMMIT = "9a219ac"
BLOCK = 100
START = 1_900_000_000.0  # a simulated clock, on a minute boundary plus 20 s


def baseline_limiter_module() -> types.ModuleType:
    """kb.ratelimit as it was at BASELINE_COMMIT: one window per key and minute."""
    git = shutil.which("git") or "git"
    source = subprocess.run(
        [git, "show", f"{BASELINE_COMMIT}:layers/kb/kb/ratelimit.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("baseline_ratelimit")
    exec(compile(source, "baseline_ratelimit.py", "exec"), module.__dict__)  # noqa: S102 - our own past code
    return module


def counting(dynamodb: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
    return calls


def bench_limiters(table: Table, calls: Counter[str], requests: int) -> dict[str, tuple[float, float]]:
    """name -> (DynamoDB calls per request, median µs per request)."""
    old = baseline_limiter_module().RateLimiter(table)
    new = RateLimiter(table)
    limits = Limits(minute=10**6, hour=10**7, day=10**8, bulk=10**6)
    runs: dict[str, Any] = {
        "one window (baseline)": lambda now: old.hit("bench-old", 10**6, now),
        "minute + hour + day": lambda now: new.hit("bench-new", limits, False, now),
        "minute + hour + day + bulk": lambda now: new.hit("bench-bulk", limits, True, now),
    }
    spent: dict[str, list[float]] = {name: [] for name in runs}
    counted: Counter[str] = Counter()
    for block in range(requests // BLOCK):
        for name, hit in runs.items():
            before = sum(calls.values())
            started = time.perf_counter()
            for i in range(BLOCK):
                hit(START + block * BLOCK + i)
            spent[name].append((time.perf_counter() - started) / BLOCK * 1e6)
            counted[name] += sum(calls.values()) - before
    blocks = requests // BLOCK
    return {name: (counted[name] / (blocks * BLOCK), statistics.median(spent[name])) for name in runs}


def bench_writes(table: Table, blobs: BlobStore, calls: Counter[str], writes: int) -> dict[str, tuple[float, float]]:
    """Staging writes of one item each: new items (the usage moves: a transaction) against
    updates of the same size (it does not: one put)."""
    sources = SourceRepository(table)
    source = Source(id=new_id("src"), tenant_id="ten_bench", name="bench", grace_days=7, created_at=iso_now())
    sources.create(source)
    items = ItemRepository(table, blobs)
    results: dict[str, tuple[float, float]] = {}
    spent: dict[str, list[float]] = {"new item (usage moves)": [], "same-size update (usage unchanged)": []}
    counted: Counter[str] = Counter()
    for block in range(writes // BLOCK):
        for name, version in (("new item (usage moves)", "a"), ("same-size update (usage unchanged)", "b")):
            before = sum(calls.values())
            started = time.perf_counter()
            for i in range(BLOCK):
                request = UpsertItemRequest(external_item_id=f"doc-{block}-{i}", content=f"Version {version} of {i}.")
                upsert_item(items, sources, source, request)
                metrics.clear_metrics()  # its count: never flushed into the report
            spent[name].append((time.perf_counter() - started) / BLOCK * 1e6)
            counted[name] += sum(calls.values()) - before
    for name, times in spent.items():
        results[name] = (counted[name] / ((writes // BLOCK) * BLOCK), statistics.median(times))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--writes", type=int, default=500)
    args = parser.parse_args()
    metrics.provider.namespace = "KnowledgeBaseBench"
    serialize_dynamodb_requests()
    transactions_snapshot_their_items()
    conditions_are_parsed_once()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        for logical_id, props in read_template(ROOT).resources_of("AWS::DynamoDB::Table").items():
            create_table(dynamodb, logical_id, props)
        s3.create_bucket(Bucket="bench")
        table = Table(dynamodb, "KbTable")
        calls = counting(dynamodb)
        limiters = bench_limiters(table, calls, args.requests)
        writes = bench_writes(table, BlobStore(s3, "bench"), calls, args.writes)
        metrics.clear_metrics()
    base_calls, base_us = limiters["one window (baseline)"]
    lines = [
        "## Limits: what rate limiting and quotas cost a request",
        "",
        f"Command: `.venv/bin/python bench/limits.py --requests {args.requests} --writes {args.writes}` "
        "(part of `make bench`): in process, moto in memory with the local stack's fixes; a simulated "
        "clock advancing 1 s a request (a minute rolls over every 60). Medians of blocks of "
        f"{BLOCK}, interleaved. The baseline is the one-window limiter of commit {BASELINE_COMMIT}, "
        "loaded from git in the same run.",
        "",
        "| rate limiter | DynamoDB calls / request | median µs / request | vs baseline |",
        "|---|---|---|---|",
    ]
    for name, (per_request, micros) in limiters.items():
        lines.append(f"| {name} | {per_request:.3f} | {micros:.0f} | {micros / base_us:.2f}x |")
    lines += [
        "",
        "One `UpdateItem` per request; the first request of each minute takes a second one (it restarts "
        f"the windows that rolled over): {1 + 1 / 60:.3f} at one request a second. The baseline's "
        f"{base_calls:.3f} is one `UpdateItem` on a new record per minute.",
        "",
        "| staging write (one item) | DynamoDB calls / write | median µs / write | vs unchanged usage |",
        "|---|---|---|---|",
    ]
    _, plain_us = writes["same-size update (usage unchanged)"]
    for name, (per_write, micros) in writes.items():
        lines.append(f"| {name} | {per_write:.2f} | {micros:.0f} | {micros / plain_us:.2f}x |")
    lines += [
        "",
        "A write that moves the tenant's usage is a `TransactWriteItems` of the item and the usage "
        "record instead of a `PutItem` (the same number of calls; DynamoDB bills a transactional write "
        "twice, per item: about 4 write units instead of 1 for a small item). Both kinds also read the "
        "item first and re-read the source's epoch after the write, as before.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
