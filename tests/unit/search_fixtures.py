"""Small builders for the search unit tests (no network)."""

from typing import Any

import numpy as np

from kb.blobs import BlobStore
from kb.generations.models import ManifestEntry
from kb.search.build import IndexedChange
from kb.search.segments import ChunkInput, SegmentItem


class MemoryS3:
    """The two S3 calls BlobStore makes for segments, kept in a dict (and counted)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.puts: list[str] = []

    def put_object(self, Bucket: str, Key: str, Body: bytes, **_: Any) -> None:
        self.objects[Key] = Body
        self.puts.append(Key)

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        body = self.objects[Key]

        class Stream:
            def read(self) -> bytes:
                return body

        return {"Body": Stream()}


def memory_blobs() -> tuple[BlobStore, MemoryS3]:
    s3 = MemoryS3()
    return BlobStore(s3, "bucket"), s3


def item(item_id: str, text: str, content_hash: str = "h1", **fields: Any) -> tuple[SegmentItem, list[ChunkInput]]:
    segment_item = SegmentItem(
        external_item_id=item_id,
        content_hash=content_hash,
        title=fields.get("title", ""),
        url=None,
        tags=fields.get("tags", []),
        metadata=fields.get("metadata", {}),
        language=fields.get("language"),
    )
    return segment_item, [ChunkInput(f"chk_{item_id}_{content_hash}", 0, text)]


def change(item_id: str, text: str, content_hash: str = "h1") -> IndexedChange:
    segment_item, chunks = item(item_id, text, content_hash)
    return IndexedChange(item_id, segment_item, chunks)


def entry(content_hash: str = "h1", segment: str | None = None) -> ManifestEntry:
    return ManifestEntry(content_hash=content_hash, chunks_key="k", chunk_count=1, title="", segment=segment)


class CountingEmbedder:
    """A deterministic embedder: one axis per known word; counts what it was asked to embed."""

    model_id = "counting-test-model"
    vocabulary = ("refund", "shipping", "password", "money", "parcel")

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        rows = np.array(
            [[1.0 if word in text.lower() else 0.0 for word in self.vocabulary] + [0.01] for text in texts],
            dtype=np.float32,
        )
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)
