"""Bulk import throughput: a 20,000-line JSON-lines import (upsert mode) against the same 20,000
items sent through POST .../items/batch in batches of 1,000, one after another, in the same local
stack and the same run (the baseline: the API's existing bulk path, which stages through the same
batch code).

    .venv/bin/python bench/imports.py [--lines 20000] [--repeats 3] [--slice-bytes 4194304]

The stack runs as `make run` runs it (EmbeddingProvider=none: nothing is embedded before a run).
An import is timed from its start request until its GET says succeeded (the upload is timed
apart); each repeat uses a fresh source. Prints a markdown section for docs/benchmarks.md.
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

ROOT = Path(__file__).resolve().parents[1]
BATCH = 1000


def item(i: int) -> dict[str, Any]:
    return {
        "externalItemId": f"doc-{i:06d}",
        "title": f"Document {i}",
        "content": f"Document {i} explains refunds. " * 4,
    }


class Client:
    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        reply = self.http.request(method, f"{self.url}{path}", json=body, timeout=120)
        assert reply.status_code == expect, reply.text
        return reply.json()

    def source(self) -> str:
        return str(self.call("POST", "/v1/sources", {"name": "bench"}, expect=201)["source"]["id"])


def timed_import(client: Client, lines: int) -> tuple[float, float]:
    source_id = client.source()
    data = ("\n".join(json.dumps(item(i)) for i in range(lines)) + "\n").encode()
    created = client.call("POST", f"/v1/sources/{source_id}/imports", {"mode": "upsert"}, expect=201)
    began = time.perf_counter()
    assert requests.put(created["upload"]["url"], data=data, timeout=300).status_code == 200
    uploaded = time.perf_counter() - began
    import_id = created["import"]["id"]
    began = time.perf_counter()
    client.call("POST", f"/v1/sources/{source_id}/imports/{import_id}/start")
    while (job := client.call("GET", f"/v1/sources/{source_id}/imports/{import_id}")["import"])["status"] == "running":
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    assert job["status"] == "succeeded" and job["progress"]["accepted"] == lines, job
    return elapsed, uploaded


def timed_batches(client: Client, lines: int) -> float:
    source_id = client.source()
    began = time.perf_counter()
    for start in range(0, lines, BATCH):
        body = {"items": [item(i) for i in range(start, min(lines, start + BATCH))]}
        assert client.call("POST", f"/v1/sources/{source_id}/items/batch", body)["failed"] == 0
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--slice-bytes", type=int, default=4 * 1024 * 1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        command = [sys.executable, "-m", "local", "--port", "0", "--state-dir", state]
        for parameter in (
            "EmbeddingProvider=none",
            "RateLimitPerMinute=100000",
            "RateLimitPerHour=10000000",
            "RateLimitPerDay=100000000",
            "BulkRateLimitPerMinute=100000",
            "QuotaMaxItems=10000000",  # the largest a deployment may set (LIMIT_MAX)
            "QuotaMaxStoredBytes=1000000000000000",
            f"ImportSliceBytes={args.slice_bytes}",
        ):
            command += ["--parameter", parameter]
        log = (Path(state) / "stack.log").open("w")
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
        try:
            deadline = time.monotonic() + 120
            while not (Path(state) / "stack.json").exists():
                assert process.poll() is None and time.monotonic() < deadline, (Path(state) / "stack.log").read_text()
                time.sleep(0.2)
            info = json.loads((Path(state) / "stack.json").read_text())
            admin = Client(info["api_url"], info["admin_key"])
            key = admin.call("POST", "/v1/admin/keys", {"name": "bench", "scope": "write"}, expect=201)["secret"]
            client = Client(info["api_url"], key)
            imports, uploads, batches = [], [], []
            for _ in range(args.repeats):  # interleaved, so a load spike hits both sides alike
                elapsed, uploaded = timed_import(client, args.lines)
                imports.append(elapsed)
                uploads.append(uploaded)
                batches.append(timed_batches(client, args.lines))
        finally:
            process.terminate()
            process.wait(timeout=30)
    imp, bat = statistics.median(imports), statistics.median(batches)
    print(f"## Bulk import: {args.lines:,} lines\n")
    print(
        f"Command: `.venv/bin/python bench/imports.py --lines {args.lines} --repeats {args.repeats} "
        f"--slice-bytes {args.slice_bytes}`; medians of {args.repeats}, each on a fresh source.\n"
    )
    print("| path | median s | items/s | ratio to the batch baseline | runs s |")
    print("|---|---|---|---|---|")
    print(
        f"| import (start → succeeded) | {imp:.2f} | {args.lines / imp:,.0f} | {imp / bat:.2f}x | "
        f"{', '.join(f'{t:.2f}' for t in imports)} |"
    )
    print(
        f"| baseline: POST .../items/batch x{args.lines // BATCH}, sequential | {bat:.2f} | {args.lines / bat:,.0f} | "
        f"1.00x | {', '.join(f'{t:.2f}' for t in batches)} |"
    )
    print(
        f"\nUpload of the file to the presigned URL (not in the import's time): median {statistics.median(uploads):.2f} s."
    )


if __name__ == "__main__":
    main()
