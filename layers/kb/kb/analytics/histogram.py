"""Latency histograms that merge by addition: fixed log-scale buckets, the same for every endpoint,
key and hour, so a histogram is a map bucket -> count that DynamoDB ADDs one request into and a
reader sums across hours and keys. Percentiles come from the merged counts, never from raw events.

Bucket 0 holds values up to LOWEST_MS; bucket i >= 1 holds (LOWEST_MS * R**(i-1), LOWEST_MS * R**i],
with R = 2**(1/8): each bucket is 9 % wide, so a percentile read as its bucket's geometric middle is
within 4.4 % of the true value. MAX_BUCKET covers ~3.5 years in milliseconds."""

import math
from collections.abc import Iterable, Mapping

LOWEST_MS = 0.1
STEPS_PER_DOUBLING = 8
MAX_BUCKET = STEPS_PER_DOUBLING * 40
_RATIO = 2 ** (1 / STEPS_PER_DOUBLING)

Histogram = dict[int, int]


def bucket_of(ms: float) -> int:
    if ms <= LOWEST_MS:
        return 0
    index = math.ceil(STEPS_PER_DOUBLING * math.log2(ms / LOWEST_MS) - 1e-9)
    return min(max(index, 1), MAX_BUCKET)


def bounds(bucket: int) -> tuple[float, float]:
    """The values bucket `bucket` holds: (lower, upper]."""
    if bucket <= 0:
        return 0.0, LOWEST_MS
    return LOWEST_MS * _RATIO ** (bucket - 1), LOWEST_MS * _RATIO**bucket


def representative(bucket: int) -> float:
    """What a percentile falling in `bucket` reads as: its geometric middle (bucket 0: its upper bound)."""
    lower, upper = bounds(bucket)
    return upper if bucket == 0 else math.sqrt(lower * upper)


def merge(histograms: Iterable[Mapping[int, int]]) -> Histogram:
    merged: Histogram = {}
    for histogram in histograms:
        for bucket, count in histogram.items():
            if count:
                merged[bucket] = merged.get(bucket, 0) + count
    return merged


def of(values_ms: Iterable[float]) -> Histogram:
    histogram: Histogram = {}
    for value in values_ms:
        bucket = bucket_of(value)
        histogram[bucket] = histogram.get(bucket, 0) + 1
    return histogram


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """The q-quantile (0 < q <= 1) by nearest rank, as its bucket's representative; None if empty."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return representative(bucket)
    return representative(max(histogram))  # unreachable: seen reaches total
