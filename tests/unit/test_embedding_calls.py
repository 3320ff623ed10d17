"""Embedding through Bedrock at build time: bounded concurrency, batching where the model takes
it, throttles retried with backoff, order preserved. A client double stands in for bedrock-runtime."""

import io
import json
import threading
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError

from kb.search.embeddings import Backoff, BedrockCohere, BedrockTitan, bedrock_embedder


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "InvokeModel")


class FakeBedrock:
    """Embeds text "t<i>" as [i, 1]; counts calls in flight; throttles the first `throttles` calls.
    With `together`, each call waits until that many are in flight at once (a barrier, so the test
    proves calls overlap instead of hoping a delay makes them; the timeout only ends a broken run)."""

    def __init__(self, throttles: int = 0, together: int = 0) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.peak = self.calls = 0
        self.throttles = throttles
        self.barrier = threading.Barrier(together, timeout=30) if together else None
        self.bodies: list[dict[str, Any]] = []

    def invoke_model(self, modelId: str, body: str, contentType: str) -> dict[str, Any]:
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.bodies.append(json.loads(body))
            throttle = self.throttles > 0
            self.throttles -= throttle
        try:
            if self.barrier is not None:
                self.barrier.wait()
            if throttle:
                raise throttled()
            request = json.loads(body)
            texts = request["texts"] if "texts" in request else [request["inputText"]]
            vectors = [[float(text[1:]), 1.0] for text in texts]
            reply = {"embeddings": vectors} if "texts" in request else {"embedding": vectors[0]}
            return {"body": io.BytesIO(json.dumps(reply).encode())}
        finally:
            with self.lock:
                self.in_flight -= 1


def no_wait() -> Backoff:
    return Backoff(sleep=lambda seconds: None)


def expected(n: int) -> np.ndarray:
    rows = np.asarray([[float(i), 1.0] for i in range(n)], dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_titan_calls_run_concurrently_up_to_the_bound_and_rows_keep_input_order():
    # Given a Titan embedder allowed 4 calls at a time
    bedrock = FakeBedrock(together=4)
    embedder = BedrockTitan(bedrock, "amazon.titan-embed-text-v2:0", concurrency=4, backoff=no_wait())
    # When it embeds 40 texts
    vectors = embedder.embed([f"t{i}" for i in range(40)])
    # Then each text was one call, 4 in flight at once and never more, and row i is text i
    assert bedrock.calls == 40
    assert bedrock.peak == 4
    assert np.allclose(vectors, expected(40))


def test_cohere_batches_96_texts_per_call_in_order():
    # Given a Cohere embedder
    bedrock = FakeBedrock()
    embedder = bedrock_embedder(bedrock, "cohere.embed-english-v3")
    assert isinstance(embedder, BedrockCohere)
    # When it embeds 200 texts
    vectors = embedder.embed([f"t{i}" for i in range(200)])
    # Then three calls carried 96, 96 and 8 texts, and the rows are in input order
    assert sorted(len(body["texts"]) for body in bedrock.bodies) == [8, 96, 96]
    assert all(body["input_type"] == "search_document" for body in bedrock.bodies)
    assert np.allclose(vectors, expected(200))


def test_throttled_calls_are_retried_with_growing_jittered_waits():
    # Given Bedrock that throttles the first three calls
    bedrock, waits = FakeBedrock(throttles=3), list[float]()
    backoff = Backoff(base_seconds=1.0, cap_seconds=3.0, sleep=waits.append, jitter=lambda: 0.5)
    # When one text is embedded
    vectors = BedrockTitan(bedrock, "amazon.titan-embed-text-v2:0", backoff=backoff).embed(["t7"])
    # Then it succeeded on the fourth call, after waits of half of 1, 2 and 4 (capped at 3) seconds
    assert bedrock.calls == 4
    assert waits == [0.5, 1.0, 1.5]
    assert np.allclose(vectors, expected(8)[7:8])


def test_a_call_still_throttled_after_its_attempts_raises():
    # Given Bedrock that keeps throttling
    bedrock = FakeBedrock(throttles=100)
    embedder = BedrockTitan(bedrock, "amazon.titan-embed-text-v2:0", backoff=Backoff(attempts=3, sleep=lambda s: None))
    # When a text is embedded, Then the throttle surfaces after 3 attempts (the build fails on it)
    with pytest.raises(ClientError, match="ThrottlingException"):
        embedder.embed(["t1"])
    assert bedrock.calls == 3


def test_other_errors_are_not_retried():
    # Given Bedrock that rejects the request
    class Rejecting(FakeBedrock):
        def invoke_model(self, modelId: str, body: str, contentType: str) -> dict[str, Any]:
            self.calls += 1
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}}, "InvokeModel")

    bedrock = Rejecting()
    # When a text is embedded, Then the error surfaces at once
    with pytest.raises(ClientError, match="ValidationException"):
        BedrockTitan(bedrock, "amazon.titan-embed-text-v2:0", backoff=no_wait()).embed(["t1"])
    assert bedrock.calls == 1
