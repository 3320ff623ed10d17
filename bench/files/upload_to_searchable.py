"""Upload to searchable: a 100-page document through the API, from the first byte sent to the first
search hit on its last page, against the same text pushed as a JSON item, in one run.

    .venv/bin/python bench/files/upload_to_searchable.py [--repeats 5]   (via `make bench`)

The document is a generated 100-page PDF (each page ~2,600 characters of prose with a phrase found
on that page only), so the file paths include PDF parsing. Each repeat, interleaved, on a fresh source: (1) multipart upload -> poll the file until completed
-> run -> apply -> search until the last page's phrase is found; (2) the same through a presigned
upload; (3) the baseline: the PDF's extracted text pushed as one JSON item -> run -> apply -> search. The
stack runs as `make run` does, with EmbeddingProvider=none (keyword search: nothing to embed).
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "kb")]

from bench.search.apply_scaling import Client, start_stack  # noqa: E402
from kb.files.extract import extract  # noqa: E402
from tests import documents  # noqa: E402

PAGES = 100
WORDS = [
    "claims",
    "policy",
    "refund",
    "warranty",
    "parcel",
    "courier",
    "invoice",
    "account",
    "holiday",
    "contract",
    "notice",
    "period",
]


def document() -> bytes:
    pages = []
    for n in range(1, PAGES + 1):
        sentences = [
            f"Clause {n}.{i} says the {WORDS[(n + i) % len(WORDS)]} and the {WORDS[(n * i) % len(WORDS)]} "
            f"are handled within {n + i} working days of the request."
            for i in range(28)
        ]
        pages.append(f"Page {n}\n{' '.join(sentences)}\nMarker phrase zebra{n}quokka.")
    return documents.pdf(pages, title="The handbook")


def wait(probe: Callable[[], Any], timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return value


def file_done(api: Client, source_id: str, file_id: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        found: dict[str, Any] = api.call("GET", f"/v1/sources/{source_id}/files/{file_id}")["file"]
        return found if found["status"] in ("completed", "failed") else None

    done: dict[str, Any] = wait(probe)
    assert done["status"] == "completed", done
    return done


def publish_and_find(api: Client, source_id: str, item_id: str) -> float:
    """Run, apply, then search until the last page's phrase finds the item; when it was found."""
    run = api.call("POST", f"/v1/sources/{source_id}/runs", expect=201)["run"]
    applied = api.call("POST", f"/v1/sources/{source_id}/runs/{run['id']}/apply")
    assert applied["status"] == "published", applied

    def probe() -> bool:
        body = {"query": f"zebra{PAGES}quokka", "sourceIds": [source_id], "limit": 1}
        results = api.call("POST", "/v1/search", body)["results"]
        return bool(results) and results[0]["item"]["externalItemId"] == item_id

    wait(probe)
    return time.perf_counter()


def through_multipart(api: Client, source_id: str, data: bytes) -> tuple[float, float]:
    start = time.perf_counter()
    reply = api.http.post(
        f"{api.url}/v1/sources/{source_id}/files",
        headers=api.headers,
        files={"file": ("handbook.pdf", data, "application/pdf")},
        timeout=60,
    )
    assert reply.status_code == 202, reply.text
    file_done(api, source_id, reply.json()["file"]["id"])
    completed = time.perf_counter()
    return completed - start, publish_and_find(api, source_id, "handbook.pdf") - start


def through_presigned(api: Client, source_id: str, data: bytes) -> tuple[float, float]:
    start = time.perf_counter()
    ticket = api.call(
        "POST", f"/v1/sources/{source_id}/files/uploads", {"filename": "handbook.pdf", "size": len(data)}, expect=201
    )
    sent = requests.post(ticket["upload"]["url"], data=ticket["upload"]["fields"], files={"file": data}, timeout=60)
    assert sent.status_code == 204, sent.text
    file_done(api, source_id, ticket["file"]["id"])
    completed = time.perf_counter()
    return completed - start, publish_and_find(api, source_id, "handbook.pdf") - start


def as_json_item(api: Client, source_id: str, data: bytes) -> tuple[float, float]:
    text = extract(data, "handbook.pdf", "application/pdf").text  # what the file paths stage
    start = time.perf_counter()
    body = {"externalItemId": "handbook.pdf", "title": "The handbook", "content": text}
    api.call("POST", f"/v1/sources/{source_id}/items", body, expect=201)
    staged = time.perf_counter()
    return staged - start, publish_and_find(api, source_id, "handbook.pdf") - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = document()
    paths = {"multipart upload": through_multipart, "presigned upload": through_presigned, "JSON item": as_json_item}
    staged: dict[str, list[float]] = {name: [] for name in paths}
    total: dict[str, list[float]] = {name: [] for name in paths}
    with tempfile.TemporaryDirectory() as state:
        process, info = start_stack(Path(state))
        try:
            admin = Client(info["api_url"], info["admin_key"])
            writer = admin.call("POST", "/v1/admin/keys", {"name": "bench", "scope": "write"}, expect=201)["secret"]
            api = Client(info["api_url"], writer)
            for repeat in range(-1, args.repeats):  # -1: warm-up (each function's worker starts)
                for name, path in paths.items():  # interleaved, so noise falls on every path alike
                    source_id = api.call("POST", "/v1/sources", {"name": f"{name} {repeat}"}, expect=201)["source"][
                        "id"
                    ]
                    to_staged, to_found = path(api, source_id, data)
                    if repeat >= 0:
                        staged[name].append(to_staged)
                        total[name].append(to_found)
        finally:
            process.terminate()
            process.wait(timeout=30)
    baseline = statistics.median(total["JSON item"])
    rows = [
        f"| {name} | {statistics.median(staged[name]):.2f} | {statistics.median(total[name]):.2f} "
        f"({', '.join(f'{s:.2f}' for s in total[name])}) | {statistics.median(total[name]) / baseline:.2f}x |"
        for name in paths
    ]
    print(
        "\n".join(
            [
                "## Files: upload to searchable, a 100-page PDF",
                "",
                "Command: `.venv/bin/python bench/files/upload_to_searchable.py` (part of `make bench`): the local "
                f"stack over HTTP (EmbeddingProvider=none: keyword search), {args.repeats} interleaved repeats "
                "after a warm-up, each on a fresh source (medians).",
                "",
                f"The document: a generated PDF of {PAGES} pages of ~2,600 characters ({len(data):,} bytes); the "
                "baseline pushes its extracted text as a JSON item. Searchable = the first search whose top hit "
                "is the item, for a phrase found only on the last page.",
                "",
                "| path | median s to staged (file completed / item pushed) | median s to searchable (all) | vs JSON item |",
                "|---|---|---|---|",
                *rows,
                "",
                "Each file path is: the upload, S3's notification onto the files queue, the SQS poller's "
                "receive (a long poll, answered as the message arrives), process_file (read, extract, write the "
                "item), the client's status polls (every 50 ms), then the run, the apply and the search that the "
                "JSON item also pays. The baseline is that last part alone, with the item pushed as JSON.",
            ]
        )
    )


if __name__ == "__main__":
    main()
