"""Cold-start import time of every handler: a fresh interpreter imports functions/<name>/app.py
(with the layer on the path, as /opt/python is in Lambda), five times each; medians are compared
with baselines measured in the same run (boto3, Powertools' observability, fastapi + boto3).

    .venv/bin/python bench/import_time.py   (part of `make bench`, which writes docs/benchmarks.md)
"""

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
PROBE = (
    "import sys, time; sys.path[:0] = [{code!r}, {layer!r}]; t = time.perf_counter(); {statement}; "
    "print(time.perf_counter() - t)"
)
ENV = {
    **os.environ,
    "TABLE_NAME": "t",
    "BUCKET_NAME": "b",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "knowledge-base",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


def median_ms(statement: str, code_dir: Path) -> float:
    probe = PROBE.format(code=str(code_dir), layer=str(ROOT / "layers" / "kb"), statement=statement)
    samples = [
        float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=ENV).stdout)
        for _ in range(REPEATS)
    ]
    return statistics.median(samples) * 1000


def main() -> None:
    baselines = {
        "boto3": "import boto3",
        "powertools Logger + Tracer + Metrics": "from aws_lambda_powertools import Logger, Metrics, Tracer",
        "fastapi + boto3": "import fastapi, boto3",
    }
    base = {name: median_ms(statement, ROOT) for name, statement in baselines.items()}
    handlers = {d.name: median_ms("import app", d) for d in sorted((ROOT / "functions").iterdir())}
    reference = base["fastapi + boto3"]
    print("## Handler import time (cold start, before the first event)\n")
    print("Command: `.venv/bin/python bench/import_time.py` (part of `make bench`).")
    print(f"Median of {REPEATS} fresh interpreters per row, on the shared 2-core machine; the ratio is against")
    print("`import fastapi, boto3` measured in the same run.\n")
    print("| import | median ms | ratio to fastapi+boto3 |\n|---|---:|---:|")
    for name, ms in base.items():
        print(f"| {name} | {ms:.0f} | {ms / reference:.2f} |")
    for name, ms in handlers.items():
        print(f"| functions/{name}/app.py | {ms:.0f} | {ms / reference:.2f} |")
    print(f"\nMedian over all {len(handlers)} handlers: {statistics.median(handlers.values()):.0f} ms.")


if __name__ == "__main__":
    main()
