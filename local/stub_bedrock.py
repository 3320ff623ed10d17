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
from collections.abc import Iterator
from types import ModuleType
from typing import Any

DIMENSIONS = 64
HOLD_LIMIT_SECONDS = 120.0
_PASSAGE = re.compile(r"^\[(\d+)\] ([^\n]*)\n(.*?)(?=\n\n\[\d+\] |\n\nQuestion: )", re.S | re.M)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class StubBedrock:
    """InvokeModel for Titan (one text) and Cohere (a list) embeddings: a vector derived from the
    text's hash, after `latency_seconds`, the same for every call whatever its batch.

    Converse and ConverseStream as a model that cites: the first sentence of each numbered passage,
    cited, one word per token (`latency_seconds` before the first and between tokens), within
    inferenceConfig.maxTokens; usage counts words. A rewrite request (no passages) answers the
    conversation's last user line followed by the last message. With test controls, a streamed
    answer can be held, or fail, after its first delta (Controls.hold_answers, fail_answers)."""

    def __init__(self, latency_seconds: float, controls: Any = None) -> None:
        self.latency_seconds = latency_seconds
        self.controls = controls

    def _reply_words(self, messages: list[dict[str, Any]], max_tokens: int) -> list[str]:
        prompt = messages[-1]["content"][0]["text"]
        if "Passages:" in prompt:
            cited = []
            for match in _PASSAGE.finditer(prompt.split("Passages:\n", 1)[1]):
                text = match.group(3).strip().removeprefix(match.group(2)).strip()  # chunks begin with the title
                sentence = _SENTENCE.split(text)[0].rstrip(".!?")
                cited.append(f"{sentence} [{match.group(1)}].")
            text = " ".join(cited) or "The knowledge base does not cover it."
        else:  # a rewrite: "Conversation:\n...\n\nLast message: ...\n\nStandalone search query:"
            conversation, _, rest = prompt.partition("\n\nLast message: ")
            users = [line[6:] for line in conversation.splitlines() if line.startswith("user: ")]
            text = f"{users[-1] if users else ''} {rest.split(chr(10))[0]}".strip()
        return text.split(" ")[:max_tokens]

    @staticmethod
    def _usage(request: dict[str, Any], words: list[str]) -> dict[str, int]:
        read = " ".join(m["content"][0]["text"] for m in request["messages"])
        return {"inputTokens": len(read.split()), "outputTokens": len(words), "totalTokens": 0}

    def converse(self, **request: Any) -> dict[str, Any]:
        words = self._reply_words(request["messages"], request["inferenceConfig"]["maxTokens"])
        time.sleep(self.latency_seconds * (len(words) + 1))
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": " ".join(words)}]}},
            "stopReason": "end_turn",
            "usage": self._usage(request, words),
        }

    def converse_stream(self, **request: Any) -> dict[str, Any]:
        words = self._reply_words(request["messages"], request["inferenceConfig"]["maxTokens"])
        return {"stream": self._events(request, words)}

    def _events(self, request: dict[str, Any], words: list[str]) -> Iterator[dict[str, Any]]:
        yield {"messageStart": {"role": "assistant"}}
        for index, word in enumerate(words):
            time.sleep(self.latency_seconds)  # the model's time per token
            yield {"contentBlockDelta": {"delta": {"text": word if index == 0 else f" {word}"}, "contentBlockIndex": 0}}
            if index == 0 and self._after_first_delta():
                yield {
                    "modelStreamErrorException": {"message": "injected model stream error", "originalStatusCode": 500}
                }
                return
        yield {"contentBlockStop": {"contentBlockIndex": 0}}
        yield {"messageStop": {"stopReason": "end_turn"}}
        yield {"metadata": {"usage": self._usage(request, words), "metrics": {"latencyMs": 0}}}

    def _after_first_delta(self) -> bool:
        """Held while the test says so; True when the answer is to fail here."""
        if self.controls is None:
            return False
        deadline = time.monotonic() + HOLD_LIMIT_SECONDS
        while (state := self.controls.of_answers()).get("holdAfterFirstDelta"):
            if time.monotonic() > deadline:
                raise TimeoutError("the held answer was never released")
            time.sleep(0.05)
        return bool(state.get("failAfterFirstDelta"))

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

    inner = adapters()
    client = StubBedrock(latency_ms / 1000, getattr(inner, "controls", None))  # test controls, if any
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
