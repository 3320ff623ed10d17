"""Grouped results' quality on BEIR SciFact (test split), through our own code: the first page a
client gets (limit 10) as chunks, the default, against the same search grouped by item
(`groupBy: "item"`), in the same run on the same index.

    .venv/bin/python bench/search/grouped.py [--dataset DIR] [--chunk-size N ...] [--embeddings]

Each page is scored as the client sees it: nDCG@10 over the 10 results in order, a document
counting only where it first appears (a repeat of a document already shown adds nothing), and the
number of distinct documents among the 10. The index is built as scifact.py builds it (chunked as
a source chunks, one segment, kb.search.service.rank, results shaped by to_result). Latency: the
page, shaped as API results, every query REPEATS times, warm.
"""

import argparse
import math
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from scifact import (  # type: ignore[import-not-found]  # noqa: E402
    DEFAULT_DATASET,
    SOURCE,
    Qrels,
    clock,
    latencies,
    load,
    our_entries,
)

from kb.search.build import embed_chunks  # noqa: E402
from kb.search.embeddings import LocalMiniLM  # noqa: E402
from kb.search.index import LivePart, SearchIndex  # noqa: E402
from kb.search.models import SearchMode  # noqa: E402
from kb.search.segments import build_segment  # noqa: E402
from kb.search.service import rank, to_result  # noqa: E402

LIMIT = 10


def page_ndcg(shown: list[str], relevant: dict[str, int]) -> float:
    seen: set[str] = set()
    dcg = 0.0
    for position, doc in enumerate(shown[:LIMIT]):
        if doc not in seen:
            dcg += relevant.get(doc, 0) / math.log2(position + 2)
        seen.add(doc)
    ideal = sum(r / math.log2(i + 2) for i, r in enumerate(sorted(relevant.values(), reverse=True)[:LIMIT]))
    return dcg / ideal


def measure(
    opened: list[Any], mode: SearchMode, embedder: Any, queries: list[dict[str, str]], qrels: Qrels
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, group in (("chunks", False), ("grouped", True)):
        pages = {
            q["_id"]: [
                h.item.external_item_id
                for h in rank(q["text"], mode, opened, embedder, None, clock, LIMIT, group=group)
            ]
            for q in queries
        }
        row[name] = {
            "ndcg": statistics.mean(page_ndcg(pages[q], qrels[q]) for q in pages),
            "distinct": statistics.mean(len(set(page)) for page in pages.values()),
            "latency": latencies(
                lambda text, group=group: [
                    to_result(h) for h in rank(text, mode, opened, embedder, None, clock, LIMIT, group=group)
                ],
                queries,
            ),
        }
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--chunk-size", type=int, action="append", help="chunk sizes (default 1000, 300)")
    parser.add_argument("--embeddings", action="store_true", help="also hybrid (embeds every chunk: minutes)")
    args = parser.parse_args()
    corpus, queries, qrels = load(args.dataset)
    embedder = LocalMiniLM() if args.embeddings else None
    rows: dict[str, dict[str, Any]] = {}
    for size in args.chunk_size or [1000, 300]:
        entries = our_entries(corpus, size, min(100, size // 2))
        segment = build_segment(entries)
        live: dict[str, tuple[str, str | None]] = {doc["_id"]: ("h", None) for doc in corpus}
        index = SearchIndex("src_bench", "gen_bench", [LivePart(segment, live)])
        rows[f"chunk size {size}, keyword ({index.chunk_count} chunks)"] = measure(
            [(SOURCE, index)], "keyword", None, queries, qrels
        )
        if embedder is not None:
            segment.embeddings = embed_chunks(embedder, entries)
            segment.embedding_model = embedder.model_id
            index = SearchIndex("src_bench", "gen_bench", [LivePart(segment, live)])
            rows[f"chunk size {size}, hybrid"] = measure([(SOURCE, index)], "hybrid", embedder, queries, qrels)
    print(report(rows, len(corpus), len(queries), args))


def report(rows: dict[str, dict[str, Any]], documents: int, queries: int, args: argparse.Namespace) -> str:
    sizes = " ".join(f"--chunk-size {s}" for s in args.chunk_size or [])
    command = f".venv/bin/python bench/search/grouped.py {sizes}{' --embeddings' if args.embeddings else ''}".strip()
    lines = [
        "## Grouped results' quality on BEIR SciFact (first page of 10, chunks against grouped by item)",
        "",
        f"Command: `{command}` (part of `make bench`), dataset `../shared/datasets/scifact`.",
        "",
        f"SciFact test: {documents} documents, {queries} queries. Each first page (limit 10) scored as a "
        "client sees it: nDCG@10 with a repeated document counting once, where it first appears; "
        f"distinct documents among the 10 (mean); latency of the page shaped as API results, every query "
        f"{3}x, warm. Baseline: the same search returning chunks (the default), same index, same run.",
        "",
        "| search | chunks nDCG@10 | grouped nDCG@10 | ratio | chunks distinct docs | grouped distinct docs "
        "| chunks p50 / p99 ms | grouped p50 / p99 ms | p50 ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        chunks, grouped = row["chunks"], row["grouped"]
        lines.append(
            f"| {name} | {chunks['ndcg']:.4f} | {grouped['ndcg']:.4f} | {grouped['ndcg'] / chunks['ndcg']:.3f}x "
            f"| {chunks['distinct']:.2f} | {grouped['distinct']:.2f} "
            f"| {chunks['latency'][0]:.3f} / {chunks['latency'][1]:.3f} "
            f"| {grouped['latency'][0]:.3f} / {grouped['latency'][1]:.3f} "
            f"| {grouped['latency'][0] / chunks['latency'][0]:.2f}x |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
