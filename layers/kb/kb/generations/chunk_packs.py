"""Chunk packs: a build slice writes its items' chunk documents as one object per manifest shard
(JSON lines, one document a line) instead of one object per item, and each manifest entry names
its pack and the byte range of its line. A first apply of 20,000 items writes ~2,000 objects
instead of 20,000: an S3 PUT costs a request's latency and price, whatever its few kilobytes.

A pack holds items of one shard only, so the invariant retention relies on holds as it did for
per-item documents: a chunks key is referenced from one shard index alone. Packs are named by the
generation that wrote them, so a rebuild or a retried apply never overwrites what a serving
generation reads. Entries without a range (generations built before packs) name a per-item
document, read whole."""

import json
from collections.abc import Iterable

from kb.blobs import BlobStore
from kb.generations.models import ChunkDocument, ManifestEntry


def pack_key(prefix: str, generation_id: str, slice_index: int, shard: int) -> str:
    return f"{prefix}chunks/packs/{generation_id}/{slice_index}-{shard}.jsonl"


def packs_prefix(prefix: str, generation_id: str) -> str:
    """Every pack a generation's build wrote (a failed build's are found by listing it)."""
    return f"{prefix}chunks/packs/{generation_id}/"


def pack(documents: Iterable[ChunkDocument]) -> tuple[bytes, list[tuple[int, int]]]:
    """The pack's body and each document's [start, end) in it, in the documents' order."""
    lines: list[bytes] = []
    ranges: list[tuple[int, int]] = []
    offset = 0
    for document in documents:
        line = json.dumps(document.to_json_dict(), separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        lines.append(line)
        ranges.append((offset, offset + len(line)))
        offset += len(line)
    return b"".join(lines), ranges


def read_chunk_document(blobs: BlobStore, entry: ManifestEntry) -> ChunkDocument:
    """An entry's chunk document: its line of a pack (one ranged GET), or its own object."""
    if entry.chunks_range is None:
        return ChunkDocument.model_validate(blobs.get_json(entry.chunks_key))
    start, end = entry.chunks_range
    return ChunkDocument.model_validate_json(blobs.get_range(entry.chunks_key, start, end))
