"""The safe first deployment (EmbeddingProvider=none, AnswerProvider=extractive) needs no Bedrock
permission at run time: no Bedrock client is made, answers need none, and the template grants
Bedrock nothing in that configuration."""

import json
from pathlib import Path
from typing import Any

import pytest

from kb import composition
from kb.http import serving
from kb.search.answers import AnswerOptions, Passage
from kb.search.embeddings import embedding_provider
from kb.settings import Settings
from local.cfn import load_template

ROOT = Path(__file__).resolve().parents[2]
SAFE = {"EmbeddingProvider": "none", "AnswerProvider": "extractive"}


def _settings() -> Settings:
    return Settings.model_validate(
        {"TABLE_NAME": "t", "BUCKET_NAME": "b", "EMBEDDING_PROVIDER": "none", "ANSWER_PROVIDER": "extractive"}
    )


class _NoBedrock(composition.Adapters):
    def bedrock(self) -> Any:
        raise AssertionError("a Bedrock client was made")

    def bedrock_agent_runtime(self) -> Any:
        raise AssertionError("a Bedrock Agent Runtime client was made")


def test_serving_makes_no_bedrock_client_and_still_answers(monkeypatch: pytest.MonkeyPatch):
    # Given the serving dependencies with the safe providers, where making a Bedrock client fails
    monkeypatch.setattr(composition, "_installed", _NoBedrock())
    settings = _settings()
    # When the embedder and the answer provider are made and a question is answered
    embedder = serving.embedder(settings)
    reranking = serving.reranking(settings)
    answer = serving.answers(settings).answer(
        "How long do refunds take?", [Passage(1, "Refunds", "Refunds take 14 days.")], [], AnswerOptions()
    )
    # Then there is no embedder (keyword search) nor reranker, and the answer cites the passage
    assert embedder is None
    assert reranking.reranker is None
    assert answer.text == "Refunds take 14 days. [1]"


def test_builds_embed_nothing_without_a_client():
    # The build functions pass no client unless the provider is bedrock
    for function in ("build_generation", "build_slice"):
        source = (ROOT / f"functions/{function}/app.py").read_text()
        assert 'adapters().bedrock() if settings.embedding_provider == "bedrock" else None' in source
    assert embedding_provider("none", "amazon.titan-embed-text-v2:0", None) is None


def _condition(document: dict[str, Any], name: str, parameters: dict[str, str]) -> bool:
    def evaluate(node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((key, value),) = node.items()
            if key == "Ref":
                return parameters.get(value, str(document["Parameters"].get(value, {}).get("Default", "")))
            if key in ("Condition", "Fn::Condition"):
                return evaluate(document["Conditions"][value])
            if key == "Fn::Equals":
                return str(evaluate(value[0])) == str(evaluate(value[1]))
            if key == "Fn::Not":
                return not evaluate(value[0])
            if key == "Fn::Or":
                return any(evaluate(v) for v in value)
            if key == "Fn::And":
                return all(evaluate(v) for v in value)
        return node

    return bool(evaluate(document["Conditions"][name]))


def test_the_template_grants_bedrock_only_through_the_conditional_policy():
    # Given the template
    document = load_template(ROOT / "template.yaml")
    resources = document["Resources"]
    # Then Bedrock appears in two resources only, the policies that exist when a provider is bedrock
    mentions = [name for name, resource in resources.items() if "bedrock:" in json.dumps(resource)]
    assert mentions == ["BedrockInvokePolicy", "BedrockRerankPolicy"]
    assert resources["BedrockInvokePolicy"]["Condition"] == "UsesBedrock"
    assert resources["BedrockRerankPolicy"]["Condition"] == "RerankWithBedrock"
    # And the reranker's exists only when RerankProvider is bedrock (not by default)
    assert not _condition(document, "RerankWithBedrock", SAFE)
    assert _condition(document, "RerankWithBedrock", {**SAFE, "RerankProvider": "bedrock"})
    # And with the safe providers that condition is false; with either provider on bedrock, true
    assert not _condition(document, "UsesBedrock", SAFE)
    assert _condition(document, "UsesBedrock", {**SAFE, "EmbeddingProvider": "bedrock"})
    assert _condition(document, "UsesBedrock", {**SAFE, "AnswerProvider": "bedrock"})
