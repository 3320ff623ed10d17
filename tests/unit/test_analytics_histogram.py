"""Latency histograms (kb.analytics.histogram): fixed log-scale buckets that merge by addition,
and percentiles read from them within the buckets' resolution."""

import math
import random

import pytest

from kb.analytics import histogram


def exact_percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@pytest.mark.parametrize("value", [0.0, 0.05, 0.1, 0.1001, 1.0, 7.3, 100.0, 1234.5, 60_000.0, 3.6e6])
def test_a_value_falls_in_the_bucket_whose_bounds_hold_it(value):
    lower, upper = histogram.bounds(histogram.bucket_of(value))
    assert lower < value <= upper or (value == 0.0 and lower == 0.0)


def test_buckets_are_nine_percent_wide_so_a_percentile_is_within_four_and_a_half_percent():
    # Given 20,000 latencies spread over four orders of magnitude
    rng = random.Random(7)
    values = [rng.lognormvariate(3.0, 1.2) for _ in range(20_000)]
    counts = histogram.of(values)
    # Then each percentile read from the histogram is within 4.5 % of the exact one
    for q in (0.5, 0.9, 0.95, 0.99):
        estimate = histogram.percentile(counts, q)
        assert estimate is not None
        assert abs(estimate / exact_percentile(values, q) - 1) < 0.045, q


def test_merging_hourly_histograms_gives_the_histogram_of_all_the_values():
    # Given latencies recorded as 24 hourly histograms of 3 keys
    rng = random.Random(11)
    parts = [[rng.expovariate(1 / 40) for _ in range(rng.randint(0, 200))] for _ in range(24 * 3)]
    hourly = [histogram.of(part) for part in parts]
    # When they are merged (in any order)
    merged = histogram.merge(hourly)
    shuffled = hourly[:]
    rng.shuffle(shuffled)
    # Then the result is the histogram of every value, and its percentiles those of every value
    everything = [v for part in parts for v in part]
    assert merged == histogram.of(everything) == histogram.merge(shuffled)
    assert histogram.percentile(merged, 0.99) == histogram.percentile(histogram.of(everything), 0.99)


def test_an_empty_histogram_has_no_percentile():
    assert histogram.percentile({}, 0.5) is None
    assert histogram.merge([{}, {3: 0}]) == {}


def test_the_largest_values_share_the_last_bucket():
    assert histogram.bucket_of(1e15) == histogram.MAX_BUCKET
