"""Where a first apply's time goes, in one process: moto in memory with the local stack's fixes,
the items of apply_scaling.py staged through the batch path, then the run task (`compute_run`)
and the whole build (`build_generation`: plan, every slice, combine), embedding through the
Bedrock stub (0 ms by default: the stub's latency is a wait, not work). CPU seconds per step, and
with --profile the top functions of each by cumulative time (cProfile).

    .venv/bin/python bench/search/profile_apply.py [--items 2000] [--stub-ms 0] [--profile]
"""

import argparse
import concurrent.futures
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws


class SerialExecutor:
    """Runs what a ThreadPoolExecutor would, in the calling thread: cProfile sees one thread."""

    def __init__(self, *_: Any, **__: Any) -> None:
        pass

    def __enter__(self) -> "SerialExecutor":
        return self

    def __exit__(self, *_: Any) -> None:
        pass

    def map(self, function: Callable[..., Any], *iterables: Any) -> Any:
        return [function(*args) for args in zip(*iterables, strict=True)]


if "--profile" in sys.argv:  # before kb is imported: its modules take the executor by name
    concurrent.futures.ThreadPoolExecutor = SerialExecutor  # type: ignore[misc, assignment]

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb"), str(Path(__file__).parent)]

from apply_scaling import PUSH_BATCH, content  # type: ignore[import-not-found]  # noqa: E402

from kb.blobs import BlobStore  # noqa: E402
from kb.cursors import CursorCodec  # noqa: E402
from kb.generations.build import build_generation  # noqa: E402
from kb.generations.repository import GenerationRepository  # noqa: E402
from kb.generations.service import apply_run  # noqa: E402
from kb.ids import iso_now, new_id, utcnow  # noqa: E402
from kb.items.batch import apply_batch  # noqa: E402
from kb.items.models import BatchRequest  # noqa: E402
from kb.items.repository import ItemRepository  # noqa: E402
from kb.runs.models import Run, RunTask  # noqa: E402
from kb.runs.repository import RunRepository  # noqa: E402
from kb.runs.service import compute_run  # noqa: E402
from kb.search.embeddings import embedding_provider  # noqa: E402
from kb.sources.models import Source  # noqa: E402
from kb.sources.repository import SourceRepository  # noqa: E402
from kb.storage import Table  # noqa: E402
from kb.webhooks.events import EventPublisher  # noqa: E402
from kb.workflows import Waited  # noqa: E402
from local.deploy import create_table  # noqa: E402
from local.emulator_fixes import (  # noqa: E402
    conditions_are_parsed_once,
    dynamodb_reads_answer_plain_json,
    query_partitions_only,
    serialize_dynamodb_requests,
    transactions_snapshot_their_items,
)
from local.stub_bedrock import StubBedrock  # noqa: E402
from local.template import read_template  # noqa: E402

REGION = "us-east-1"


class CapturedWorkflows:
    """Workflows that record the apply's task instead of starting the state machine."""

    def __init__(self) -> None:
        self.payload: dict[str, Any] = {}

    def start(self, state_machine_arn: str, name: str, payload: dict[str, Any]) -> str:
        self.payload = payload
        return f"{state_machine_arn}:{name}"

    def wait(self, execution_arn: str, timeout_seconds: float, settled: Callable[[], bool]) -> Waited:
        return Waited(settled=False)  # still running: the build runs below, in this process


def timed(name: str, step: Callable[[], Any], profile: bool) -> Any:
    profiler = cProfile.Profile() if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    result = profiler.runcall(step) if profiler else step()
    print(f"{name}: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--stub-ms", type=float, default=0.0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    serialize_dynamodb_requests()
    transactions_snapshot_their_items()
    conditions_are_parsed_once()
    dynamodb_reads_answer_plain_json()
    query_partitions_only()
    template = read_template(ROOT)
    with mock_aws():
        dynamodb, s3 = boto3.client("dynamodb", region_name=REGION), boto3.client("s3", region_name=REGION)
        for logical_id, props in template.resources_of("AWS::DynamoDB::Table").items():
            create_table(dynamodb, logical_id, props)
        s3.create_bucket(Bucket="generations")
        table, blobs = Table(dynamodb, "KbTable", CursorCodec("profile")), BlobStore(s3, "generations")
        sources, items, runs = SourceRepository(table), ItemRepository(table, blobs), RunRepository(table)
        generations = GenerationRepository(table)
        source = Source(id=new_id("src"), tenant_id="ten_profile", name="profile", grace_days=7, created_at=iso_now())
        sources.create(source)

        def stage() -> None:
            for start in range(0, args.items, PUSH_BATCH):
                batch = [
                    {"externalItemId": f"article-{i}", "title": f"Article {i}", "content": content(i, 0)}
                    for i in range(start, min(start + PUSH_BATCH, args.items))
                ]
                apply_batch(items, sources, source, BatchRequest.model_validate({"items": batch}))

        timed("stage (batch path)", stage, False)
        run = Run(
            id=new_id("run"), source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now()
        )
        runs.create(run)
        task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
        timed(
            "run (compute_run)",
            lambda: compute_run(task, sources, items, runs, blobs, utcnow, EventPublisher(None, "")),
            args.profile,
        )
        workflows = CapturedWorkflows()
        current = sources.get(source.tenant_id, source.id)
        assert current is not None
        apply_run(runs, sources, items, generations, workflows, "arn:apply", current, run.id, 0, 300, utcnow, 30)  # type: ignore[arg-type]
        from kb.generations.models import ApplyTask

        apply = ApplyTask.model_validate(workflows.payload)
        embedder = embedding_provider("bedrock", "amazon.titan-embed-text-v2:0", StubBedrock(args.stub_ms / 1000))
        result = timed(
            "build (plan, slices, combine)",
            lambda: build_generation(apply, sources, items, blobs, generations, embedder),
            args.profile,
        )
        print(f"built: {result.manifest.item_count} items, {result.manifest.chunk_count} chunks")


if __name__ == "__main__":
    main()
