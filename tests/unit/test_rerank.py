"""The reranker: its Bedrock request (checked by botocore's Stubber against the real API model),
the deployment's choice per search, and the order a reranked search answers in."""

import boto3
import pytest
from botocore.stub import Stubber

from kb.errors import RerankUnavailable
from kb.search.rerank import BedrockReranker, RerankFailed, RerankPolicy, rerank_order

ARN = "arn:aws:bedrock:eu-central-1::foundation-model/amazon.rerank-v1:0"


def agent_runtime():
    return boto3.client(
        "bedrock-agent-runtime", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def rerank_request(query, texts):
    return {
        "queries": [{"type": "TEXT", "textQuery": {"text": query}}],
        "sources": [
            {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": text}}}
            for text in texts
        ],
        "rerankingConfiguration": {
            "type": "BEDROCK_RERANKING_MODEL",
            "bedrockRerankingConfiguration": {"numberOfResults": len(texts), "modelConfiguration": {"modelArn": ARN}},
        },
    }


class Scored:
    """A reranker that answers given scores (a provider stand-in, not our code)."""

    model_id = "fixed"

    def __init__(self, scores):
        self._scores = scores

    def scores(self, query, texts):
        if self._scores is None:
            raise RerankFailed("down")
        return self._scores


def test_bedrock_reranks_every_candidate_in_one_call_with_the_models_arn_in_the_clients_region():
    # Given Bedrock answering best first, by index
    client = agent_runtime()
    texts = ["Shipping takes 3 days.", "Refunds take 14 days.", "Warranty: two years."]
    with Stubber(client) as stub:
        stub.add_response(
            "rerank",
            {
                "results": [
                    {"index": 1, "relevanceScore": 0.9},
                    {"index": 2, "relevanceScore": 0.2},
                    {"index": 0, "relevanceScore": 0.1},
                ]
            },
            rerank_request("how long do refunds take", texts),
        )
        # When the candidates are scored
        scores = BedrockReranker(client, "amazon.rerank-v1:0").scores("how long do refunds take", texts)
    # Then each text has its score, in the texts' order
    assert scores == [0.1, 0.9, 0.2]


def test_a_bedrock_error_or_a_short_answer_is_a_failed_rerank():
    client = agent_runtime()
    with Stubber(client) as stub:
        stub.add_client_error("rerank", service_error_code="ThrottlingException", http_status_code=429)
        stub.add_response("rerank", {"results": [{"index": 0, "relevanceScore": 0.5}]})
        reranker = BedrockReranker(client, "amazon.rerank-v1:0")
        with pytest.raises(RerankFailed):
            reranker.scores("q", ["a", "b"])
        with pytest.raises(RerankFailed, match="1 of 2"):
            reranker.scores("q", ["a", "b"])


def test_a_search_follows_the_deployment_unless_it_says():
    on = RerankPolicy(Scored([1.0]), by_default=True, candidates=50)
    off = RerankPolicy(Scored([1.0]), by_default=False, candidates=50)
    assert on.wanted(None) and not on.wanted(False)
    assert not off.wanted(None) and off.wanted(True)


def test_asking_for_reranking_where_none_is_configured_is_refused():
    none = RerankPolicy(None, by_default=True, candidates=50)
    assert not none.wanted(None)
    with pytest.raises(RerankUnavailable):
        none.wanted(True)


@pytest.mark.parametrize(("limit", "candidates", "depth"), [(10, 50, 50), (80, 50, 80), (10, 500, 100), (1, 1, 1)])
def test_the_reranker_sees_the_configured_candidates_at_least_the_limit_at_most_100(limit, candidates, depth):
    assert RerankPolicy(Scored([]), by_default=True, candidates=candidates).depth(limit) == depth


def test_the_order_is_the_rerankers_with_ties_kept_in_the_rankings_order():
    assert rerank_order(Scored([0.2, 0.9, 0.2]), "q", ["a", "b", "c"]) == [(1, 0.9), (0, 0.2), (2, 0.2)]


def test_a_failed_rerank_gives_no_order():
    assert rerank_order(Scored(None), "q", ["a"]) is None
