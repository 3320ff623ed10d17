"""Reranked search over HTTP. The end-to-end stack reranks through the Bedrock Rerank API answered
by the local stub (local/stub_bedrock.py: a document's relevance is the share of the query's
words it contains, stop words included), and only when a search asks (RerankByDefault=false)."""

import pytest

from tests.e2e.conftest import push, run_and_apply

# BM25 drops stop words and rewards repeating "warranty": `terms` ranks first. The stub reads the
# whole question: `answer` holds every word of it, `terms` one of four.
ITEMS = {
    "terms": ("Warranty terms", "Warranty, warranty, warranty: see our warranty booklet."),
    "answer": ("Coverage", "What is the warranty? It is two years from the date of purchase."),
}
QUESTION = "what is the warranty"


@pytest.fixture
def warranty_source(api, writer_key, source_id):
    for item_id, (title, content) in ITEMS.items():
        reply = push(api, writer_key, source_id, item_id, content, title=title)
        assert reply.status_code == 201, reply.text
    run_and_apply(api, writer_key, source_id)
    return source_id


def search(api, key, source_id, body):
    reply = api.call("POST", "/v1/search", key, {"sourceIds": [source_id], **body})
    assert reply.status_code == 200, reply.text
    return reply.json()


def ids(found):
    return [result["item"]["externalItemId"] for result in found["results"]]


def test_a_reranked_search_answers_in_the_rerankers_order(api, writer_key, warranty_source):
    # Given a source whose keyword ranking puts the repetitive page first
    ranked = search(api, writer_key, warranty_source, {"query": QUESTION, "mode": "keyword", "rerank": False})
    assert ids(ranked) == ["terms", "answer"]
    assert ranked["reranked"] is False

    # When the same search asks to be reranked
    reranked = search(api, writer_key, warranty_source, {"query": QUESTION, "mode": "keyword", "rerank": True})

    # Then the reranker's order comes back, scored with its relevance, and the response says so
    assert reranked["reranked"] is True
    assert ids(reranked) == ["answer", "terms"]
    assert [result["score"] for result in reranked["results"]] == [1.0, 0.25]


def test_the_reranker_sees_more_candidates_than_the_limit(api, writer_key, warranty_source):
    # When a search of limit 1 is reranked
    found = search(api, writer_key, warranty_source, {"query": QUESTION, "mode": "keyword", "limit": 1, "rerank": True})

    # Then its one result is the reranker's best of the ranking's top candidates, not the ranking's first
    assert ids(found) == ["answer"]


def test_hybrid_search_reranks_the_fused_candidates(api, writer_key, warranty_source):
    # When a search in the default mode (hybrid here: the local stack embeds) asks to be reranked
    found = search(api, writer_key, warranty_source, {"query": QUESTION, "rerank": True})

    # Then the fused ranking's candidates come back in the reranker's order
    assert found["mode"] == "hybrid"
    assert found["reranked"] is True
    assert ids(found) == ["answer", "terms"]


def test_a_search_that_does_not_say_follows_the_deployment(api, writer_key, warranty_source):
    # When a search leaves "rerank" out (this stack is deployed with RerankByDefault=false)
    found = search(api, writer_key, warranty_source, {"query": QUESTION, "mode": "keyword"})

    # Then it keeps the ranking's order and says it was not reranked
    assert found["reranked"] is False
    assert ids(found) == ["terms", "answer"]


def test_a_failed_rerank_answers_in_the_rankings_order(api, writer_key, warranty_source):
    # Given a rerank call that Bedrock throttles (the stub throttles queries holding "rerank_fail")
    body = {"query": "rerank_fail what is the warranty", "mode": "keyword", "rerank": True}

    # When the search asks to be reranked
    found = search(api, writer_key, warranty_source, body)

    # Then it still answers, in the ranking's order, and says it was not reranked
    assert found["reranked"] is False
    assert ids(found) == ["terms", "answer"]


@pytest.mark.parametrize("value", ["yes", 1, {"enabled": True}])
def test_rerank_must_be_a_boolean(api, writer_key, warranty_source, value):
    # When "rerank" is not true or false
    reply = api.call(
        "POST", "/v1/search", writer_key, {"query": QUESTION, "sourceIds": [warranty_source], "rerank": value}
    )

    # Then the request is refused, naming the field
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == "validation_error"
    assert "rerank" in reply.json()["error"]
