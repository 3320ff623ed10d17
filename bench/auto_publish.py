"""Auto publishing: what it costs a writer, and how soon a change is searchable, against manual
publishing measured in the same run on the same local stack.

    .venv/bin/python bench/auto_publish.py [--repeats 7]

1. Upsert latency: 20 upserts of new items into an auto source (delaySeconds 900, so no build runs
   meanwhile: the first opens the window and sends the message, the others fold) against 20 into a
   manual source; medians.
2. Time to searchable: a new item upserted into an auto source (delaySeconds 0) until keyword
   search returns it, nothing else called, against a manual source's upsert + run + apply (the
   synchronous endpoints) until search returns it; medians of interleaved repeats, each on a source
   holding one earlier generation.
The stack runs with EmbeddingProvider=none (keyword only), as bench/ingest.py does.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb")]

from bench.search.apply_scaling import Client, start_stack  # noqa: E402


def source(api: Client, publishing: dict) -> str:
    return str(api.call("POST", "/v1/sources", {"name": "bench", "publishing": publishing}, expect=201)["source"]["id"])


def upsert(api: Client, source_id: str, item_id: str, word: str) -> float:
    start = time.perf_counter()
    body = {"externalItemId": item_id, "content": f"An answer about {word} and nothing else."}
    api.call("POST", f"/v1/sources/{source_id}/items", body, expect=201)
    return time.perf_counter() - start


def searchable(api: Client, source_id: str, word: str, deadline: float) -> None:
    while True:
        body = {"query": word, "sourceIds": [source_id], "mode": "keyword"}
        if api.call("POST", "/v1/search", body)["results"]:
            return
        assert time.monotonic() < deadline, f"{word} never became searchable"
        time.sleep(0.02)


def run_and_apply(api: Client, source_id: str) -> None:
    run = api.call("POST", f"/v1/sources/{source_id}/runs", expect=201)["run"]
    assert api.call("POST", f"/v1/sources/{source_id}/runs/{run['id']}/apply")["status"] == "published"


def to_searchable(api: Client, mode: str, n: int) -> float:
    publishing = {"mode": "auto", "delaySeconds": 0} if mode == "auto" else {"mode": "manual"}
    source_id = source(api, publishing)
    # One earlier generation, so the timed build is an ordinary incremental apply.
    upsert(api, source_id, "seed", f"seedword{n}")
    if mode == "manual":
        run_and_apply(api, source_id)
    searchable(api, source_id, f"seedword{n}", time.monotonic() + 120)
    word = f"fresh{mode}{n}"
    start = time.perf_counter()
    upsert(api, source_id, "fresh", word)
    if mode == "manual":
        run_and_apply(api, source_id)
    searchable(api, source_id, word, time.monotonic() + 120)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        process, info = start_stack(Path(state))
        try:
            api = Client(info["api_url"], info["admin_key"])
            writes: dict[str, list[float]] = {"manual": [], "auto": []}
            for mode in ("manual", "auto"):
                publishing = {"mode": "auto", "delaySeconds": 900} if mode == "auto" else {"mode": "manual"}
                source_id = source(api, publishing)
                writes[mode] = [upsert(api, source_id, f"item-{i}", f"word{i}") for i in range(20)]
            times: dict[str, list[float]] = {"manual": [], "auto": []}
            for n in range(args.repeats):
                for mode in ("manual", "auto") if n % 2 == 0 else ("auto", "manual"):
                    times[mode].append(to_searchable(api, mode, n))
        finally:
            process.terminate()
            process.wait(timeout=30)
    w = {mode: statistics.median(values) * 1000 for mode, values in writes.items()}
    first = writes["auto"][0] * 1000
    t = {mode: statistics.median(values) for mode, values in times.items()}
    print("## Auto publishing: a writer's cost, and the time to searchable\n")
    print(f"Command: `.venv/bin/python bench/auto_publish.py --repeats {args.repeats}`\n")
    print("| measure | manual (baseline) | auto | auto vs manual |")
    print("|---|---|---|---|")
    print(
        f"| upsert of a new item, median of 20 (ms) | {w['manual']:.1f} | {w['auto']:.1f} (first, opening the window: {first:.1f}) | {w['auto'] / w['manual']:.2f}x |"
    )
    runs_m = ", ".join(f"{v:.2f}" for v in times["manual"])
    runs_a = ", ".join(f"{v:.2f}" for v in times["auto"])
    print(
        f"| upsert to searchable, median of {args.repeats} (s) | {t['manual']:.2f} ({runs_m}; upsert, run, apply) "
        f"| {t['auto']:.2f} ({runs_a}; upsert only, delaySeconds 0) | {t['auto'] / t['manual']:.2f}x |"
    )


if __name__ == "__main__":
    main()
