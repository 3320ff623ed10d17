"""Search quality and speed on BEIR SciFact (test split), through our own domain code, against
bm25s and tantivy measured in the same run on the same machine.

    .venv/bin/python bench/search/scifact.py [--dataset DIR] [--chunk-size N ...]   (via `make bench`)

Ours: items are chunked as a source with the given chunk size would chunk them, with their
locations (kb.generations.chunking, kb.generations.locations), indexed into one segment
(kb.search.segments), loaded (kb.search.index) and ranked by kb.search.service.rank, the
function the search endpoint calls once it has the generations.
Documents are ranked by their best chunk. Embeddings: the local provider (all-MiniLM-L6-v2 int8).
"""

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "layers" / "kb")]

import bm25s  # noqa: E402
import Stemmer  # noqa: E402
import tantivy  # noqa: E402

from kb.generations.chunking import chunk_id, item_chunks  # noqa: E402
from kb.generations.locations import locate  # noqa: E402
from kb.search.build import embed_chunks  # noqa: E402
from kb.search.embeddings import LocalMiniLM  # noqa: E402
from kb.search.index import LivePart, SearchIndex  # noqa: E402
from kb.search.segments import ChunkInput, SegmentItem, build_segment  # noqa: E402
from kb.search.service import rank, to_result  # noqa: E402
from kb.sources.models import Source  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "datasets" / "scifact"
REPEATS = 3  # build repetitions (median); queries are timed over every query, REPEATS times
EVAL_DEPTH = 300  # chunks ranked for the quality figures (then folded to documents)


Corpus = list[dict[str, str]]
Queries = list[dict[str, str]]
Qrels = dict[str, dict[str, int]]


def load(dataset: Path) -> tuple[Corpus, Queries, Qrels]:
    corpus = [json.loads(line) for line in (dataset / "corpus.jsonl").open()]
    qrels: dict[str, dict[str, int]] = {}
    for line in (dataset / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, score = line.split("\t")
        qrels.setdefault(query_id, {})[doc_id] = int(score)
    queries = [q for q in (json.loads(line) for line in (dataset / "queries.jsonl").open()) if q["_id"] in qrels]
    return corpus, queries, qrels


def ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:10]))
    ideal = sum(r / math.log2(i + 2) for i, r in enumerate(sorted(relevant.values(), reverse=True)[:10]))
    return dcg / ideal


def recall_at_100(ranked: list[str], relevant: dict[str, int]) -> float:
    return len(set(ranked[:100]) & set(relevant)) / len(relevant)


def quality(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> tuple[float, float]:
    n = statistics.mean(ndcg_at_10(rankings[q], qrels[q]) for q in rankings)
    r = statistics.mean(recall_at_100(rankings[q], qrels[q]) for q in rankings)
    return n, r


def latencies(run_query: Callable[[str], Any], queries: list[dict[str, str]]) -> tuple[float, float]:
    samples = []
    for _ in range(REPEATS):
        for query in queries:
            start = time.perf_counter()
            run_query(query["text"])
            samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99)] * 1000


def timed_median(build: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = build()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --- ours -----------------------------------------------------------------------------------------


def our_entries(corpus: list[dict[str, str]], size: int, overlap: int) -> list[tuple[SegmentItem, list[ChunkInput]]]:
    entries = []
    for doc in corpus:
        item = SegmentItem(doc["_id"], "h", doc["title"], None, [], {}, None)
        spans = item_chunks(doc["title"], doc["text"], size, overlap)  # with their offsets, as a build does
        located = zip(spans, locate(spans, []), strict=True)
        chunks = [ChunkInput(chunk_id(doc["_id"], i, "h"), i, span.text, at) for i, (span, at) in enumerate(located)]
        entries.append((item, chunks))
    return entries


SOURCE = Source(id="src_bench", tenant_id="t", name="scifact", grace_days=7, created_at="2026-01-01T00:00:00Z")


def clock(_: Source) -> datetime:
    return datetime.now(UTC)


def documents(hits: list[Any]) -> list[str]:
    """Chunks folded to their documents, best chunk first."""
    return list(dict.fromkeys(hit.item.external_item_id for hit in hits))


def ours(
    corpus: Corpus, queries: Queries, qrels: Qrels, size: int, overlap: int, embedder: LocalMiniLM | None
) -> dict[str, Any]:
    def build() -> Any:
        return build_segment(our_entries(corpus, size, overlap))

    build_seconds, segment = timed_median(build)
    stored = segment.to_bytes()
    live: dict[str, tuple[str, str | None]] = {doc["_id"]: ("h", None) for doc in corpus}
    index = SearchIndex("src_bench", "gen_bench", [LivePart(segment, live)])
    opened = [(SOURCE, index)]
    row: dict[str, Any] = {
        "chunks": index.chunk_count,
        "build_s": build_seconds,
        "size_mb": len(stored) / 1e6,
    }
    keyword = {q["_id"]: documents(rank(q["text"], "keyword", opened, None, None, clock, EVAL_DEPTH)) for q in queries}
    row["keyword"] = quality(keyword, qrels)
    row["keyword_latency"] = latencies(
        lambda text: [to_result(h) for h in rank(text, "keyword", opened, None, None, clock, 10)], queries
    )
    if embedder is not None:
        start = time.perf_counter()
        segment.embeddings = embed_chunks(embedder, our_entries(corpus, size, overlap))
        segment.embedding_model = embedder.model_id
        row["embed_s"] = time.perf_counter() - start
        index = SearchIndex("src_bench", "gen_bench", [LivePart(segment, live)])
        opened = [(SOURCE, index)]
        for mode in ("semantic", "hybrid"):
            ranked = {
                q["_id"]: documents(rank(q["text"], mode, opened, embedder, None, clock, EVAL_DEPTH)) for q in queries
            }
            row[mode] = quality(ranked, qrels)
        row["hybrid_latency"] = latencies(
            lambda text: [to_result(h) for h in rank(text, "hybrid", opened, embedder, None, clock, 10)], queries
        )
    return row


# --- baselines ------------------------------------------------------------------------------------


def with_title(doc: dict[str, str]) -> str:
    return f"{doc['title']}\n{doc['text']}"


def tantivy_row(corpus: Corpus, queries: Queries, qrels: Qrels) -> dict[str, Any]:
    directories: list[str] = []

    def build() -> Any:
        schema_builder = tantivy.SchemaBuilder()
        schema_builder.add_text_field("id", stored=True, tokenizer_name="raw")
        schema_builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
        directory = tempfile.mkdtemp()
        directories.append(directory)
        index = tantivy.Index(schema_builder.build(), path=directory)
        writer = index.writer(heap_size=100_000_000, num_threads=1)
        for doc in corpus:
            writer.add_document(tantivy.Document(id=doc["_id"], body=with_title(doc)))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        return index

    build_seconds, index = timed_median(build)
    size = sum(f.stat().st_size for f in Path(directories[-1]).rglob("*") if f.is_file())
    searcher = index.searcher()
    # tantivy's query parser reads punctuation as syntax; queries are words only.
    table = str.maketrans(dict.fromkeys("+-&|!(){}[]^\"~*?:\\/'.,;%<>=@#$", " "))

    def search(text: str, k: int) -> list[str]:
        query = index.parse_query(text.translate(table), ["body"])
        return [searcher.doc(address)["id"][0] for _, address in searcher.search(query, k).hits]

    ranked = {q["_id"]: search(q["text"], 100) for q in queries}
    row = {"build_s": build_seconds, "size_mb": size / 1e6, "keyword": quality(ranked, qrels)}
    row["keyword_latency"] = latencies(lambda text: search(text, 10), queries)
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
    return row


def bm25s_row(corpus: Corpus, queries: Queries, qrels: Qrels) -> dict[str, Any]:
    stemmer = Stemmer.Stemmer("english")
    ids = [doc["_id"] for doc in corpus]

    def build() -> Any:
        retriever = bm25s.BM25()
        retriever.index(
            bm25s.tokenize([with_title(d) for d in corpus], stopwords="en", stemmer=stemmer, show_progress=False),
            show_progress=False,
        )
        return retriever

    build_seconds, retriever = timed_median(build)
    directory = tempfile.mkdtemp()
    retriever.save(directory)
    size = sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())
    shutil.rmtree(directory, ignore_errors=True)

    def search(text: str, k: int) -> list[str]:
        tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        found, _ = retriever.retrieve(tokens, k=k, show_progress=False)
        return [ids[i] for i in found[0]]

    ranked = {q["_id"]: search(q["text"], 100) for q in queries}
    row = {"build_s": build_seconds, "size_mb": size / 1e6, "keyword": quality(ranked, qrels)}
    row["keyword_latency"] = latencies(lambda text: search(text, 10), queries)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--chunk-size", type=int, action="append", help="chunk sizes to measure (default 1000, 2000)")
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    corpus, queries, qrels = load(args.dataset)
    embedder = None if args.no_embeddings else LocalMiniLM()
    rows: dict[str, dict[str, Any]] = {}
    rows["tantivy 0.27 (en_stem)"] = tantivy_row(corpus, queries, qrels)
    rows["bm25s 0.3.16 (Snowball, stop words)"] = bm25s_row(corpus, queries, qrels)
    for size in args.chunk_size or [1000, 2000]:
        rows[f"ours, chunk size {size}"] = ours(corpus, queries, qrels, size, 100, embedder)
    print(report(rows, len(corpus), len(queries)))


def report(rows: dict[str, dict[str, Any]], documents: int, queries: int) -> str:
    tantivy_row_ = next(v for k, v in rows.items() if k.startswith("tantivy"))
    lines = [
        "## Search on BEIR SciFact: quality, latency, index build (ours against bm25s and tantivy)",
        "",
        "Command: `.venv/bin/python bench/search/scifact.py` (part of `make bench`), dataset "
        "`../shared/datasets/scifact` (read in place).",
        "",
        f"SciFact test: {documents} documents, {queries} queries. Latency: every query {REPEATS}x, warm, "
        "top 10 with ids (ours: shaped as API results); build: median of "
        f"{REPEATS}. Ratios are against tantivy in this run.",
        "",
        "| engine | keyword nDCG@10 | keyword R@100 | keyword p50 / p99 ms | p50 vs tantivy | build s | build vs tantivy | index MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        n, r = row["keyword"]
        p50, p99 = row["keyword_latency"]
        lines.append(
            f"| {name} | {n:.4f} | {r:.4f} | {p50:.3f} / {p99:.3f} | {p50 / tantivy_row_['keyword_latency'][0]:.2f}x "
            f"| {row['build_s']:.2f} | {row['build_s'] / tantivy_row_['build_s']:.2f}x | {row['size_mb']:.1f} |"
        )
    semantic = {k: v for k, v in rows.items() if "hybrid" in v}
    if semantic:
        lines += [
            "",
            "| ours | chunks | semantic nDCG@10 | semantic R@100 | hybrid nDCG@10 | hybrid R@100 | hybrid p50 / p99 ms | embedding s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, row in semantic.items():
            (sn, sr), (hn, hr) = row["semantic"], row["hybrid"]
            p50, p99 = row["hybrid_latency"]
            lines.append(
                f"| {name} | {row['chunks']} | {sn:.4f} | {sr:.4f} | {hn:.4f} | {hr:.4f} | {p50:.2f} / {p99:.2f} | {row['embed_s']:.0f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
