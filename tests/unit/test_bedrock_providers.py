"""The Bedrock providers' requests, checked by botocore's Stubber against the real API models
(there is no Bedrock offline, so this is as far as a test here reaches)."""

import io
import json

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from kb.errors import AnswerFailed
from kb.search.answers import AnswerOptions, BedrockAnswers, Passage, Turn
from kb.search.embeddings import BedrockTitan


def bedrock_runtime():
    return boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_titan_embeds_each_text_and_returns_unit_vectors():
    client = bedrock_runtime()
    with Stubber(client) as stub:
        for vector in ([3.0, 4.0], [0.0, 2.0]):
            body = json.dumps({"embedding": vector, "inputTextTokenCount": 2}).encode()
            stub.add_response(
                "invoke_model",
                {"body": StreamingBody(io.BytesIO(body), len(body)), "contentType": "application/json"},
                {"modelId": "amazon.titan-embed-text-v2:0", "body": ANY, "contentType": "application/json"},
            )
        # One call at a time: the Stubber answers in the order it was given, not per request.
        vectors = BedrockTitan(client, "amazon.titan-embed-text-v2:0", concurrency=1).embed(["refunds", "shipping"])
    assert np.allclose(vectors, [[0.6, 0.8], [0.0, 1.0]])


def test_converse_gets_the_numbered_passages_the_history_and_a_grounding_prompt():
    client = bedrock_runtime()
    with Stubber(client) as stub:
        stub.add_response(
            "converse",
            {
                "output": {"message": {"role": "assistant", "content": [{"text": "14 days [1]."}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 10, "outputTokens": 4, "totalTokens": 14},
                "metrics": {"latencyMs": 5},
            },
            {
                "modelId": "model-x",
                "system": [{"text": ANY}],
                "messages": [
                    {"role": "user", "content": [{"text": "hi"}]},
                    {"role": "assistant", "content": [{"text": "hello"}]},
                    {
                        "role": "user",
                        "content": [{"text": "Passages:\n[1] Refunds\nRefunds take 14 days.\n\nQuestion: How long?"}],
                    },
                ],
                "inferenceConfig": {"maxTokens": 800, "temperature": 0},
            },
        )
        answer = BedrockAnswers(client, "model-x").answer(
            "How long?",
            [Passage(1, "Refunds", "Refunds take 14 days.")],
            [Turn("user", "hi"), Turn("assistant", "hello")],
        )
    assert answer.text == "14 days [1]."
    assert (answer.usage.input_tokens, answer.usage.output_tokens) == (10, 4)


def test_a_bedrock_failure_is_answer_failed():
    client = bedrock_runtime()
    with Stubber(client) as stub:
        stub.add_client_error("converse", "AccessDeniedException", "no model access")
        with pytest.raises(AnswerFailed, match="no model access"):
            BedrockAnswers(client, "model-x").answer("q", [Passage(1, "", "text")], [])


def test_max_tokens_and_temperature_reach_the_models_inference_config():
    client = bedrock_runtime()
    with Stubber(client) as stub:
        stub.add_response(
            "converse",
            {
                "output": {"message": {"role": "assistant", "content": [{"text": "14 days [1]."}]}},
                "stopReason": "max_tokens",
                "usage": {"inputTokens": 10, "outputTokens": 3, "totalTokens": 13},
                "metrics": {"latencyMs": 5},
            },
            {
                "modelId": "model-x",
                "system": ANY,
                "messages": ANY,
                "inferenceConfig": {"maxTokens": 3, "temperature": 0.7},
            },
        )
        BedrockAnswers(client, "model-x").answer(
            "How long?", [Passage(1, "Refunds", "Refunds take 14 days.")], [], AnswerOptions(3, 0.7)
        )


def test_a_follow_up_is_rewritten_by_the_model_from_the_conversation():
    client = bedrock_runtime()
    with Stubber(client) as stub:
        stub.add_response(
            "converse",
            {
                "output": {
                    "message": {"role": "assistant", "content": [{"text": " How long does the warranty last? "}]}
                },
                "stopReason": "end_turn",
                "usage": {"inputTokens": 30, "outputTokens": 8, "totalTokens": 38},
                "metrics": {"latencyMs": 5},
            },
            {
                "modelId": "model-x",
                "system": ANY,
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "text": "Conversation:\nuser: What does the warranty cover?\nassistant: Defects [1].\n\n"
                                "Last message: How long does it last?\n\nStandalone search query:"
                            }
                        ],
                    }
                ],
                "inferenceConfig": {"maxTokens": 100, "temperature": 0},
            },
        )
        history = [Turn("user", "What does the warranty cover?"), Turn("assistant", "Defects [1].")]
        rewritten = BedrockAnswers(client, "model-x").rewrite("How long does it last?", history)
    assert (rewritten.query, rewritten.usage.input_tokens) == ("How long does the warranty last?", 30)
