"""Time to the first streamed byte vs the whole answer, over HTTP on the local stack.

    .venv/bin/python bench/answers/streaming.py [--rounds 100] [--token-ms 10]   (via `make bench`)

The stack runs as `make run` does, with AnswerProvider=bedrock answered by the stub model
(local/stub_bedrock.py: `--token-ms` before the first token and between tokens, one word a token,
so a generative model's pace is held constant) and EmbeddingProvider=none (keyword search). Each
round asks the same question four ways, interleaved: streamed through the function URL (first
body byte, first delta event, done), streamed through the HTTP API (which buffers: its first byte
is the whole answer), and the plain JSON request through the HTTP API (the baseline: what a
client waited for before streaming).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb"), str(ROOT / "bench" / "search")]

from apply_scaling import start_stack  # type: ignore[import-not-found]  # noqa: E402

ARTICLES = {
    "refunds": (
        "Refund policy",
        "Refunds are processed within fourteen days of receiving the returned item, whatever the payment method "
        "and whichever country the order was shipped to. The money goes back to the original payment method.",
    ),
    "returns": (
        "Returning an item",
        "Refunds for returned items start once the parcel reaches our warehouse and an agent has checked "
        "that the item is complete and unused. Labels for returns are free for members.",
    ),
    "exchanges": (
        "Exchanges",
        "Refunds are not needed for exchanges: we send the replacement as soon as the returned item is "
        "scanned by the courier, so the customer waits only for the delivery of the new item.",
    ),
}
QUESTION = {"query": "How do refunds work?"}


def publish(http: httpx.Client, api: str) -> str:
    source = http.post(f"{api}/v1/sources", json={"name": "Help center"}).json()["source"]["id"]
    for item_id, (title, content) in ARTICLES.items():
        body = {"externalItemId": item_id, "title": title, "content": content}
        assert http.post(f"{api}/v1/sources/{source}/items", json=body).status_code == 201
    run = http.post(f"{api}/v1/sources/{source}/runs").json()["run"]["id"]
    applied = http.post(f"{api}/v1/sources/{source}/runs/{run}/apply", timeout=120)
    assert applied.json()["status"] == "published", applied.text
    return str(source)


def streamed(http: httpx.Client, url: str, body: dict[str, Any]) -> tuple[float, float, float]:
    """Seconds to the first body byte, to the first delta event, and to the end of the stream."""
    began = time.perf_counter()
    first_byte = first_delta = 0.0
    seen = b""
    with http.stream("POST", url, json={**body, "stream": True}) as reply:
        assert reply.status_code == 200
        for chunk in reply.iter_raw():
            now = time.perf_counter() - began
            first_byte = first_byte or now
            seen += chunk
            if not first_delta and b"event: delta" in seen:
                first_delta = now
        assert b"event: done" in seen, seen[-300:]
    return first_byte, first_delta, time.perf_counter() - began


def whole(http: httpx.Client, url: str, body: dict[str, Any]) -> float:
    began = time.perf_counter()
    reply = http.post(url, json=body)
    assert reply.status_code == 200 and reply.json()["found"], reply.text
    return time.perf_counter() - began


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--token-ms", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        parameters = ("AnswerProvider=bedrock", "EmbeddingProvider=none")
        process, info = start_stack(Path(state), stub_ms=args.token_ms, parameters=parameters)
        try:
            headers = {"Authorization": f"Bearer {info['admin_key']}"}
            with httpx.Client(headers=headers, timeout=60) as http:
                source = publish(http, info["api_url"])
                body = {**QUESTION, "sourceIds": [source]}
                function_url, api = f"{info['stream_url']}/v1/query", f"{info['api_url']}/v1/query"
                answer = http.post(api, json=body).json()
                for _ in range(3):  # warm-up: every path's worker started and its generation loaded
                    streamed(http, function_url, body), streamed(http, api, body), whole(http, api, body)
                runs: dict[str, list[float]] = {k: [] for k in ("byte", "delta", "done", "api_byte", "json")}
                for _ in range(args.rounds):
                    byte, delta, done = streamed(http, function_url, body)
                    runs["byte"].append(byte)
                    runs["delta"].append(delta)
                    runs["done"].append(done)
                    runs["api_byte"].append(streamed(http, api, body)[0])
                    runs["json"].append(whole(http, api, body))
        finally:
            process.terminate()
            process.wait(timeout=20)
    baseline = statistics.median(runs["json"])
    rows = [
        ("function URL, streamed: first byte (the start event)", "byte"),
        ("function URL, streamed: first delta event", "delta"),
        ("function URL, streamed: whole answer (done)", "done"),
        ("HTTP API, streamed: first byte (buffered: the whole stream)", "api_byte"),
        ("HTTP API, JSON: whole answer (baseline)", "json"),
    ]
    tokens = answer["usage"]["outputTokens"]
    print("## Streamed answers: time to the first byte vs the whole answer")
    print()
    print(
        f"`.venv/bin/python bench/answers/streaming.py --rounds {args.rounds} --token-ms {args.token_ms:g}`: the "
        f"local stack over HTTP, AnswerProvider=bedrock answered by the stub model at {args.token_ms:g} ms a token "
        f"(an answer of {tokens} tokens, {len(answer['sources'])} sources; keyword retrieval), {args.rounds} "
        "interleaved rounds after a warm-up, one client, on the machine of the other benchmarks."
    )
    print()
    print("| what the client waited for | p50 ms | p99 ms | p50 vs baseline |")
    print("|---|---|---|---|")
    for label, key in rows:
        p50, p99 = percentiles(runs[key])
        print(f"| {label} | {p50 * 1000:.0f} | {p99 * 1000:.0f} | {p50 / baseline:.2f}x |")


if __name__ == "__main__":
    main()
