"""A selective filter on a large source finds its few matches: 50,000 items, all matching the
query, 5 of them tagged "needle" and ranked far below the others; searched over HTTP with filters
that keep only the 5, against the same search unfiltered (the baseline) in the same run.

    .venv/bin/python bench/search/large_filter.py [--items 50000] [--repeats 20]

The stack runs as `make run` runs it, with EmbeddingProvider=none (keyword search; embedding
50,000 chunks with the local model takes longer than the rest together) and a 4 MiB import slice.
The source is built the cheapest way the API offers: one bulk import (a JSON-lines file uploaded
to the presigned URL), then one run and apply. Prints a markdown section for docs/benchmarks.md,
and fails if any filtered search misses a needle.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from apply_scaling import start_stack  # type: ignore[import-not-found]  # noqa: E402

NEEDLES = 5
POLL = 0.5


class Client:
    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200,)) -> Any:
        reply = self.http.request(method, f"{self.url}{path}", json=body, timeout=600)
        assert reply.status_code in expect, reply.text
        return reply.json()

    def finish(self, method: str, path: str, envelope: str) -> dict[str, Any]:
        """Start work; if it answers 202, poll its Location until it has finished."""
        reply = self.http.request(method, f"{self.url}{path}", timeout=600)
        assert reply.status_code in (200, 201, 202), reply.text
        if reply.status_code != 202:
            return dict(reply.json().get(envelope) or reply.json())
        work = self.wait(reply.headers["Location"].removeprefix("/api"), envelope, ("succeeded", "failed"))
        assert work["status"] == "succeeded", work
        return work

    def wait(self, path: str, envelope: str, done: tuple[str, ...]) -> dict[str, Any]:
        deadline = time.monotonic() + 3600
        while (work := self.call("GET", path)[envelope])["status"] not in done:
            assert time.monotonic() < deadline, work
            time.sleep(POLL)
        return dict(work)


def item(i: int, needle: bool) -> dict[str, Any]:
    if needle:  # the query's words once, in a longer text: BM25 puts these below every other item
        text = f"Appendix {i}: the refund policy, among many other words about unrelated topics and more."
        return {"externalItemId": f"needle-{i}", "content": text, "tags": ["needle"], "metadata": {"region": "polar"}}
    return {"externalItemId": f"doc-{i:06d}", "content": f"Refund policy {i}: refund refund policy.", "tags": ["crowd"]}


def build(client: Client, items: int) -> tuple[str, dict[str, float]]:
    source = client.call("POST", "/v1/sources", {"name": "large"}, expect=(201,))["source"]["id"]
    needles = set(range(0, items, items // NEEDLES)[:NEEDLES])
    lines = "".join(json.dumps(item(i, i in needles)) + "\n" for i in range(items)).encode()
    times: dict[str, float] = {}
    began = time.perf_counter()
    created = client.call("POST", f"/v1/sources/{source}/imports", {"mode": "upsert"}, expect=(201,))
    assert requests.put(created["upload"]["url"], data=lines, timeout=600).status_code == 200
    import_id = created["import"]["id"]
    client.call("POST", f"/v1/sources/{source}/imports/{import_id}/start", expect=(200, 202))
    job = client.wait(f"/v1/sources/{source}/imports/{import_id}", "import", ("succeeded", "failed", "cancelled"))
    assert job["status"] == "succeeded", job
    times["import"] = time.perf_counter() - began
    began = time.perf_counter()
    run = client.finish("POST", f"/v1/sources/{source}/runs", "run")
    assert run["status"] == "succeeded", run
    times["run"] = time.perf_counter() - began
    began = time.perf_counter()
    client.finish("POST", f"/v1/sources/{source}/runs/{run['id']}/apply", "generation")
    times["apply"] = time.perf_counter() - began
    return source, times


def timed(client: Client, body: dict[str, Any], repeats: int) -> tuple[float, float, dict[str, Any]]:
    """The first call (the filter evaluated) and the median of the repeats (its mask kept), in ms."""
    samples, found = [], {}
    for _ in range(repeats + 1):
        began = time.perf_counter()
        found = client.call("POST", "/v1/search", body)
        samples.append(time.perf_counter() - began)
    return samples[0] * 1000, statistics.median(samples[1:]) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        parameters = ("ImportSliceBytes=4194304",)
        process, info = start_stack(Path(state), parameters=parameters, timeout=180)
        try:
            admin = Client(info["api_url"], info["admin_key"])
            key = admin.call("POST", "/v1/admin/keys", {"name": "bench", "scope": "write"}, expect=(201,))["secret"]
            client = Client(info["api_url"], key)
            source, build_times = build(client, args.items)
            rows = searches(client, source, args.repeats)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(report(args, build_times, rows))


Row = tuple[str, float, float, int, int, bool]


def searches(client: Client, source: str, repeats: int) -> list[Row]:
    base = {"query": "refund policy", "mode": "keyword", "limit": 10, "sourceIds": [source]}
    cases: dict[str, dict[str, Any]] = {
        "unfiltered (baseline)": {},
        'where tags contains "needle"': {"filters": {"where": {"field": "tags", "op": "contains", "value": "needle"}}},
        "old shape: tags.any [needle]": {"filters": {"tags": {"any": ["needle"]}}},
        'where metadata.region eq "polar" and not tags contains "crowd"': {
            "filters": {
                "where": {
                    "and": [
                        {"field": "metadata.region", "op": "eq", "value": "polar"},
                        {"not": {"field": "tags", "op": "contains", "value": "crowd"}},
                    ]
                }
            }
        },
        'where tags contains "needle", groupBy item': {
            "groupBy": "item",
            "filters": {"where": {"field": "tags", "op": "contains", "value": "needle"}},
        },
    }
    client.call("POST", "/v1/search", base | {"query": "warm"})  # loads the generation into the cache
    rows = []
    for name, extra in cases.items():
        first, median, found = timed(client, base | extra, repeats)
        ids = [r["item"]["externalItemId"] for r in found["results"]]
        needles = sum(i.startswith("needle-") for i in ids)
        ok = needles == NEEDLES and len(ids) == NEEDLES if extra else needles == 0
        rows.append((name, first, median, len(ids), needles, ok))
    unfiltered = client.call("POST", "/v1/search", base | {"limit": 100})
    assert not any(r["item"]["externalItemId"].startswith("needle-") for r in unfiltered["results"])
    assert all(ok for *_, ok in rows), rows
    return rows


def report(args: argparse.Namespace, times: dict[str, float], rows: list[Row]) -> str:
    first_baseline, baseline = rows[0][1], rows[0][2]
    lines = [
        f"## A selective filter on a {args.items:,}-item source",
        "",
        f"Command: `.venv/bin/python bench/search/large_filter.py --items {args.items} --repeats {args.repeats}` "
        "(part of `make bench`). One local stack, EmbeddingProvider=none, keyword search. "
        f"{args.items:,} items all matching `refund policy`, {NEEDLES} of them tagged `needle` and ranked below "
        "every other (not one in the unfiltered top 100). Each search is timed over HTTP once (the "
        f"filter evaluated; the generation already loaded) and then {args.repeats}x more (median; the "
        "filter's mask kept by the index); ratios against the unfiltered search.",
        "",
        f"Built over HTTP: bulk import {times['import']:.1f} s, run {times['run']:.1f} s, apply (to published) "
        f"{times['apply']:.1f} s.",
        "",
        "| search (limit 10) | results | needles found | first call ms | vs unfiltered | median of repeats ms | vs unfiltered |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, first, median, count, needles, _ in rows:
        lines.append(
            f"| {name} | {count} | {needles} of {NEEDLES} | {first:.1f} | {first / first_baseline:.2f}x "
            f"| {median:.1f} | {median / baseline:.2f}x |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
