"""A stand-in for bedrock-runtime with a fixed latency per call (never deployed): the local stack
installs it with `--stub-bedrock-ms N` so a benchmark measures our build pipeline (its
concurrency, batching, storage) with the model's cost held constant, instead of the ONNX model's
CPU time or a real Bedrock account. Production code is unchanged: it asks the process's adapters
for its Bedrock client, and this adapter answers.

The rerank stub is a real botocore client of bedrock-agent-runtime whose requests are answered
just before they would be sent: the request is built and validated from the API model and the
reply parsed by botocore, as in AWS; only the model is stood in for."""

import hashlib
import io
import json
import re
import time
from types import ModuleType
from typing import Any

DIMENSIONS = 64


class StubBedrock:
    """InvokeModel for Titan (one text) and Cohere (a list) embeddings: a vector derived from the
    text's hash, after `latency_seconds`, the same for every call whatever its batch."""

    def __init__(self, latency_seconds: float) -> None:
        self.latency_seconds = latency_seconds

    @staticmethod
    def _vector(text: str) -> list[float]:
        digest = hashlib.sha256(text.encode()).digest() * 2
        return [byte / 255 - 0.5 for byte in digest[:DIMENSIONS]]

    def invoke_model(self, modelId: str, body: str, **_: Any) -> dict[str, Any]:
        time.sleep(self.latency_seconds)  # the model's fixed latency (a cost, not a wait on a result)
        request = json.loads(body)
        if "texts" in request:
            reply: dict[str, Any] = {"embeddings": [self._vector(text) for text in request["texts"]]}
        else:
            reply = {"embedding": self._vector(request["inputText"])}
        return {"body": io.BytesIO(json.dumps(reply).encode()), "contentType": "application/json"}


def stub_relevance(query: str, text: str) -> float:
    """The stub reranker's relevance: the share of the query's distinct words that the text
    contains (lower-cased), a rule a test can reason about; no model does this."""
    words = set(re.findall(r"\w+", query.lower()))
    found = set(re.findall(r"\w+", text.lower()))
    return len(words & found) / max(len(words), 1)


class StubRerank:
    """Answers bedrock-agent-runtime Rerank requests (botocore's before-send event) with
    stub_relevance, best first, after `latency_seconds`; a query of the word `rerank_fail`
    answers a ThrottlingException (how a test sees a failed rerank)."""

    def __init__(self, latency_seconds: float) -> None:
        self.latency_seconds = latency_seconds

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "bedrock-agent-runtime",
            region_name="us-east-1",
            aws_access_key_id="stub",
            aws_secret_access_key="stub",  # noqa: S106 - signed, never sent
            config=Config(retries={"max_attempts": 1}),
        )
        client.meta.events.register("before-send.bedrock-agent-runtime.Rerank", self._answer)
        return client

    def _answer(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        time.sleep(self.latency_seconds)  # the model's fixed latency
        body = json.loads(request.body)
        query = body["queries"][0]["textQuery"]["text"]
        if "rerank_fail" in query:
            error = {"message": "Rate exceeded (stub)"}
            headers = {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/json"}
            return AWSResponse(request.url, 429, headers, _Raw(json.dumps(error).encode()))
        texts = [source["inlineDocumentSource"]["textDocument"]["text"] for source in body["sources"]]
        scored = sorted(
            ((index, stub_relevance(query, text)) for index, text in enumerate(texts)), key=lambda pair: -pair[1]
        )
        limit = body["rerankingConfiguration"]["bedrockRerankingConfiguration"].get("numberOfResults", len(texts))
        reply = {"results": [{"index": index, "relevanceScore": score} for index, score in scored[:limit]]}
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, _Raw(json.dumps(reply).encode()))


class _Raw(io.BytesIO):
    """A body botocore can stream from (it reads `raw.stream()` for event streams, `content` otherwise)."""

    def stream(self, **_: Any) -> Any:
        yield self.getvalue()


def install_stub(latency_ms: float, module: ModuleType) -> None:
    """A worker's adapter (applied after its handler module is imported, so kb is importable
    here; the parent process imports this module without the layer on its path)."""
    from kb.composition import Adapters, adapters, install

    inner, client = adapters(), StubBedrock(latency_ms / 1000)
    reranker = StubRerank(latency_ms / 1000).client()

    class StubBedrockAdapters(type(inner)):  # type: ignore[misc]
        """The process's adapters as they were, with the stub as the Bedrock client."""

        def __init__(self) -> None:
            self.__dict__.update(inner.__dict__)

        def bedrock(self) -> Any:
            return client

        def bedrock_agent_runtime(self) -> Any:
            return reranker

    assert isinstance(inner, Adapters)
    install(StubBedrockAdapters())
