"""A stand-in for bedrock-runtime with a fixed latency per call (never deployed): the local stack
installs it with `--stub-bedrock-ms N` so a benchmark measures our build pipeline (its
concurrency, batching, storage) with the model's cost held constant, instead of the ONNX model's
CPU time or a real Bedrock account. Production code is unchanged: it asks the process's adapters
for its Bedrock client, and this adapter answers."""

import hashlib
import io
import json
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


def install_stub(latency_ms: float, module: ModuleType) -> None:
    """A worker's adapter (applied after its handler module is imported, so kb is importable
    here; the parent process imports this module without the layer on its path)."""
    from kb.composition import Adapters, adapters, install

    inner, client = adapters(), StubBedrock(latency_ms / 1000)

    class StubBedrockAdapters(type(inner)):  # type: ignore[misc]
        """The process's adapters as they were, with the stub as the Bedrock client."""

        def __init__(self) -> None:
            self.__dict__.update(inner.__dict__)

        def bedrock(self) -> Any:
            return client

    assert isinstance(inner, Adapters)
    install(StubBedrockAdapters())
