"""Retrieval metrics over a ranking of externalItemIds, with binary relevance."""

import math
from collections.abc import Sequence
from typing import Literal


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """The share of the relevant items found in the first k results."""
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Discounted cumulative gain of the first k results (a relevant item at rank r gains
    1/log2(r + 1)), divided by the gain of the best ranking possible: 1.0 when the relevant items
    (or the first k of them) lead the ranking."""
    if not relevant:
        return 0.0
    seen: set[str] = set()
    gain = 0.0
    for rank, item_id in enumerate(ranked[:k], start=1):
        if item_id in relevant and item_id not in seen:  # an item counts once
            gain += 1.0 / math.log2(rank + 1)
        seen.add(item_id)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal


def metric_at_k(metric: Literal["recall", "ndcg"], ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return recall_at_k(ranked, relevant, k) if metric == "recall" else ndcg_at_k(ranked, relevant, k)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
