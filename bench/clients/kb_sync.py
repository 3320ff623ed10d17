"""`kb sync` of a folder of 5,000 small Markdown files, against the same items pushed by a plain loop
of single requests (POST .../items, one per file, over one keep-alive connection), in one run.

    .venv/bin/python bench/clients/kb_sync.py [--files 5000] [--repeats 3]   (via `make bench`)

The stack runs as `make run` runs it, with EmbeddingProvider=none (a push embeds nothing either
way). Each repeat syncs the folder into a fresh source with `kb sync --no-publish` (a process of its
own: scanning, hashing, batches of 500, the state file), pushes the same items into another fresh
source one request at a time, then publishes each source with the SDK (run and apply, waiting) and
times that too. A second `kb sync` of the unchanged folder shows the incremental path. Medians of
the repeats are printed as a Markdown section.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb"), str(ROOT / "clients" / "python")]

from bench.search.apply_scaling import start_stack  # noqa: E402
from kb_client import Client  # noqa: E402
from kb_client.cli.folder import item_body, scan  # noqa: E402

KB = str(Path(sys.executable).parent / "kb")


def make_folder(root: Path, count: int) -> Path:
    folder = root / "docs"
    for n in range(count):
        path = folder / f"section-{n // 100:02d}" / f"page-{n:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Page {n}\n\nThis is page {n} of the handbook. It explains topic {n % 97} in a few words.\n")
    return folder


def kb_sync(api_url: str, key: str, folder: Path, source_id: str, state: Path) -> float:
    env = {**os.environ, "KB_API_URL": api_url, "KB_API_KEY": key}
    start = time.perf_counter()
    command = [KB, "--json", "sync", str(folder), "--source", source_id, "--no-publish", "--state", str(state)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"kb sync failed ({done.returncode}): {done.stderr[-2000:]} {done.stdout[-500:]}")
    return time.perf_counter() - start


def loop_of_single_requests(api_url: str, key: str, folder: Path, source_id: str) -> float:
    """What a script without the CLI does: read each file, POST it, next."""
    headers = {"Authorization": f"Bearer {key}"}
    start = time.perf_counter()
    with httpx.Client(timeout=60) as http:
        for local in scan(folder):
            body = item_body(local, None)
            reply = http.post(
                f"{api_url}/v1/sources/{source_id}/items",
                json=body,
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            assert reply.status_code == 201, reply.text
    return time.perf_counter() - start


def publish(client: Client, source_id: str, count: int) -> float:
    start = time.perf_counter()
    published = client.publish(source_id)
    assert published.run.counts is not None and published.run.counts.created == count, published.run.counts
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        process, info = start_stack(root)
        try:
            folder = make_folder(root, args.files)
            with Client(info["admin_key"], info["api_url"]) as admin:
                key = admin.keys.create("bench", "write").secret
            assert key is not None
            times: dict[str, list[float]] = {
                name: [] for name in ("sync", "noop", "loop", "sync+publish", "loop+publish")
            }
            with Client(key, info["api_url"], wait_timeout=1800) as client:
                for repeat in range(args.repeats):
                    synced, looped = (client.sources.create(f"bench {repeat} {kind}").id for kind in ("sync", "loop"))
                    state = root / f"state-{repeat}.json"
                    times["sync"].append(kb_sync(info["api_url"], key, folder, synced, state))
                    times["noop"].append(kb_sync(info["api_url"], key, folder, synced, state))
                    times["loop"].append(loop_of_single_requests(info["api_url"], key, folder, looped))
                    times["sync+publish"].append(times["sync"][-1] + publish(client, synced, args.files))
                    times["loop+publish"].append(times["loop"][-1] + publish(client, looped, args.files))
                    print(
                        f"repeat {repeat}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), file=sys.stderr
                    )
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: the figures are taken, stop it hard
                process.kill()
                process.wait()
    report(args, {name: statistics.median(values) for name, values in times.items()})


def report(args: argparse.Namespace, median: dict[str, float]) -> None:
    files = args.files

    def rate(seconds: float) -> str:
        return f"{files / seconds:,.0f}"

    print("## `kb sync` of a folder against a loop of single requests")
    print()
    print(f"`.venv/bin/python bench/clients/kb_sync.py --files {files} --repeats {args.repeats}` ({files:,} Markdown")
    print("files of about 100 bytes in 50 folders; local stack, EmbeddingProvider=none; medians of")
    print(f"{args.repeats} repeats, each into fresh sources; 2 shared cores).")
    print()
    print("| | seconds | items per second | ratio (loop / kb sync) |")
    print("|---|---|---|---|")
    print(
        f"| push: `kb sync --no-publish` (batches of 500) | {median['sync']:.2f} | {rate(median['sync'])} | {median['loop'] / median['sync']:.1f}x |"
    )
    print(
        f"| push: loop of single `POST .../items` (baseline) | {median['loop']:.2f} | {rate(median['loop'])} | 1.0x |"
    )
    print(
        f"| push, run and apply: `kb sync` | {median['sync+publish']:.2f} | {rate(median['sync+publish'])} | {median['loop+publish'] / median['sync+publish']:.1f}x |"
    )
    print(f"| push, run and apply: the loop | {median['loop+publish']:.2f} | {rate(median['loop+publish'])} | 1.0x |")
    print(
        f"| `kb sync` again, nothing changed (hashes only, no request for items) | {median['noop']:.2f} | {rate(median['noop'])} | |"
    )


if __name__ == "__main__":
    main()
