"""An evaluation set's bound holds under concurrent writers; a replace is not counted twice."""

import threading

import pytest

from kb.errors import NotFound
from kb.evaluation import sets
from kb.evaluation.errors import EvaluationSetFull
from kb.evaluation.models import EvaluationQueryRequest
from kb.evaluation.repository import EvaluationRepository


def _request(text: str = "how long do refunds take") -> EvaluationQueryRequest:
    return EvaluationQueryRequest(query=text, relevant_item_ids=["refunds"])


def test_concurrent_creates_never_pass_the_limit(store, source, monkeypatch):
    # Given a set limited to 5 queries
    monkeypatch.setattr(sets, "MAX_QUERIES", 5)
    repo = EvaluationRepository(store.table)
    barrier, outcomes = threading.Barrier(12), []

    def create(i: int) -> None:
        barrier.wait()
        try:
            sets.put_query(repo, source, f"q{i}", _request())
            outcomes.append("created")
        except EvaluationSetFull:
            outcomes.append("full")

    # When 12 writers create 12 different queries at once
    threads = [threading.Thread(target=create, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly 5 were created, and the count agrees with what is stored
    assert sorted(outcomes) == ["created"] * 5 + ["full"] * 7
    assert repo.query_count(source.id) == len(repo.all_queries(source.id)) == 5
    # And a delete makes room for one more
    sets.delete_query(repo, source, repo.all_queries(source.id)[0].id)
    created, _ = sets.put_query(repo, source, "q-late", _request())
    assert created and repo.query_count(source.id) == 5


def test_a_replace_keeps_created_at_and_is_not_counted_again(store, source):
    repo = EvaluationRepository(store.table)
    _, first = sets.put_query(repo, source, "refund-time", _request())
    created, replaced = sets.put_query(repo, source, "refund-time", _request("refund delay"))
    assert (created, replaced.query, replaced.created_at) == (False, "refund delay", first.created_at)
    assert repo.query_count(source.id) == 1
    # And deleting a query that is gone is not found, and uncounts nothing
    sets.delete_query(repo, source, "refund-time")
    with pytest.raises(NotFound):
        sets.delete_query(repo, source, "refund-time")
    assert repo.query_count(source.id) == 0
