"""Retrieval metrics of the evaluation gate (binary relevance)."""

import math

import pytest

from kb.evaluation.metrics import mean, metric_at_k, ndcg_at_k, recall_at_k


def test_recall_counts_the_relevant_items_found_in_the_first_k():
    # Given two relevant items, one at rank 2 and one at rank 4
    ranked = ["x", "a", "y", "b"]
    # Then recall@3 finds one of two and recall@4 both
    assert recall_at_k(ranked, {"a", "b"}, 3) == 0.5
    assert recall_at_k(ranked, {"a", "b"}, 4) == 1.0


def test_ndcg_is_one_when_the_relevant_items_lead_the_ranking():
    assert ndcg_at_k(["a", "b", "x"], {"a", "b"}, 10) == 1.0


def test_ndcg_discounts_a_relevant_item_by_its_rank():
    # Given the one relevant item at rank 3: its gain is 1/log2(4), the ideal 1/log2(2)
    assert ndcg_at_k(["x", "y", "a"], {"a"}, 10) == pytest.approx(0.5)
    # And outside k it gains nothing
    assert ndcg_at_k(["x", "y", "a"], {"a"}, 2) == 0.0


def test_ndcg_ideal_counts_at_most_k_relevant_items():
    # Given three relevant items and k=1: the best possible is one relevant item at rank 1
    assert ndcg_at_k(["a", "x"], {"a", "b", "c"}, 1) == 1.0


def test_ndcg_counts_a_repeated_item_once():
    # Given the relevant item at ranks 2 and 3 (a ranking of chunks, say)
    gain = 1 / math.log2(3)
    assert ndcg_at_k(["x", "a", "a"], {"a"}, 10) == pytest.approx(gain)


def test_metric_at_k_picks_the_gate_metric_and_mean_of_nothing_is_zero():
    ranked, relevant = ["x", "a"], {"a"}
    assert metric_at_k("recall", ranked, relevant, 5) == 1.0
    assert metric_at_k("ndcg", ranked, relevant, 5) == pytest.approx(1 / math.log2(3))
    assert mean([]) == 0.0 and mean([0.5, 1.0]) == 0.75


def test_no_relevant_items_scores_zero():
    assert recall_at_k(["a"], set(), 5) == 0.0 and ndcg_at_k(["a"], set(), 5) == 0.0
