"""The search-index half of an apply: one new segment for what changed, every other segment reused,
and compaction when segments pile up or fill with dead chunks."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kb.blobs import BlobStore, segment_key
from kb.generations.manifests import Entries, parallel
from kb.generations.models import ChunkDocument, IndexInfo, ManifestEntry, SegmentRef
from kb.search.embeddings import EmbeddingProvider
from kb.search.segments import ChunkInput, Segment, SegmentItem, build_segment, indexed_text

# More segments than this and the smallest are merged; more dead than live chunks and all are.
MAX_SEGMENTS = 8
MAX_DEAD_RATIO = 1.0


@dataclass(frozen=True)
class IndexedChange:
    """A created or updated item, chunked, ready for the new segment."""

    external_item_id: str
    item: SegmentItem
    chunks: list[ChunkInput]


def indexed_change(document: ChunkDocument) -> IndexedChange:
    """An item's chunk document, as the index builder takes it."""
    item = SegmentItem(
        external_item_id=document.external_item_id,
        content_hash=document.content_hash,
        title=document.title,
        url=document.url,
        tags=document.tags,
        metadata=document.metadata,
        language=document.language,
        updated_at=document.updated_at,
    )
    chunks = [
        ChunkInput(chunk.id, chunk.position, chunk.text, chunk.location.to_location() if chunk.location else None)
        for chunk in document.chunks
    ]
    return IndexedChange(document.external_item_id, item, chunks)


def build_index(
    generation_id: str,
    prefix: str,
    base: IndexInfo | None,
    entries: Entries,
    changes: list[IndexedChange],
    blobs: BlobStore,
    embedder: EmbeddingProvider | None,
    chunk_size: int,
    chunk_overlap: int,
    load_unindexed: Callable[[str, ManifestEntry], IndexedChange],
    written: Sequence[SegmentRef] = (),
) -> IndexInfo:
    """Write this generation's new segment and point `entries` (mutated) at their segments.

    Entries the base index cannot serve (a base without an index, or indexed with another embedding
    model) are re-indexed from their chunk documents through `load_unindexed`: the caller loads
    every entry then; otherwise only the changed ones (and those a compaction moves) are loaded.
    `written`: segments this generation's slices already wrote, their entries already pointing at
    them; several are merged into one (embeddings carried over), so a big build does not leave
    compaction a pile of big segments to merge on later small changes."""
    model = embedder.model_id if embedder else None
    reusable = base is not None and base.embedding_model == model
    segments = list(base.segments) if reusable and base else []
    changed_ids = {change.external_item_id for change in changes}
    written_keys = {ref.key for ref in written}
    stale = [
        item_id
        for item_id, entry in entries.items()
        if item_id not in changed_ids and entry.segment not in written_keys and (not reusable or entry.segment is None)
    ]
    fresh = changes + parallel(lambda item_id: load_unindexed(item_id, entries[item_id]), stale)
    ref = write_segment(segment_key(prefix, generation_id, 0), fresh, blobs, embedder)
    if ref is not None:
        segments.append(ref)
        for change in fresh:
            entries[change.external_item_id] = entries[change.external_item_id].model_copy(update={"segment": ref.key})
    if len(written) > 1:
        segments.append(_merge_into(segment_key(prefix, generation_id, 2), list(written), entries, blobs))
        blobs.delete(sorted(written_keys))  # no manifest ever named them
    else:
        segments.extend(written)
    segments = _compact(generation_id, prefix, segments, entries, blobs)
    live = entries.live_chunks(segments)
    segments = [ref.model_copy(update={"live_chunk_count": live[ref.key]}) for ref in segments]
    return IndexInfo(segments=segments, embedding_model=model, chunk_size=chunk_size, chunk_overlap=chunk_overlap)


def write_segment(
    key: str, changes: list[IndexedChange], blobs: BlobStore, embedder: EmbeddingProvider | None
) -> SegmentRef | None:
    """One segment of the given items (None when there are none)."""
    if not changes:
        return None
    segment = _segment(changes, embedder)
    blobs.put_bytes(key, segment.to_bytes())
    return SegmentRef(key=key, chunk_count=segment.chunk_count, item_count=len(changes))


def _merge_into(key: str, doomed: list[SegmentRef], entries: Entries, blobs: BlobStore) -> SegmentRef:
    """Merge `doomed` into one segment at `key` and point their live entries at it."""
    read = parallel(lambda ref: (ref.key, Segment.from_bytes(blobs.get_bytes(ref.key))), doomed)
    # The items a merge moves are named by the doomed segments themselves: only their shards load.
    moved = {item.external_item_id for _, segment in read for item in segment.items}
    entries.load(moved)
    merged = merge_segments(read, entries)
    blobs.put_bytes(key, merged.to_bytes())
    doomed_keys = {ref.key for ref in doomed}
    for item_id in sorted(moved):
        entry = entries.get(item_id)
        if entry is not None and entry.segment in doomed_keys:
            entries[item_id] = entry.model_copy(update={"segment": key})
    return SegmentRef(key=key, chunk_count=merged.chunk_count, item_count=len(merged.items))


def _segment(changes: list[IndexedChange], embedder: EmbeddingProvider | None) -> Segment:
    pairs = [(change.item, change.chunks) for change in changes]
    if embedder is None:
        return build_segment(pairs)
    return build_segment(pairs, embed_chunks(embedder, pairs), embedder.model_id)


def embed_chunks(embedder: EmbeddingProvider, pairs: list[tuple[SegmentItem, list[ChunkInput]]]) -> np.ndarray:
    """One vector per chunk, of the text the keyword index sees too (the chunk with its item's title)."""
    return embedder.embed([indexed_text(item, chunk) for item, chunks in pairs for chunk in chunks])


def _compact(
    generation_id: str, prefix: str, segments: list[SegmentRef], entries: Entries, blobs: BlobStore
) -> list[SegmentRef]:
    live = entries.live_chunks(segments)
    segments = [ref for ref in segments if live[ref.key] > 0]  # wholly dead segments just drop out
    dead = sum(ref.chunk_count - live[ref.key] for ref in segments)
    total_live = sum(live[ref.key] for ref in segments)
    if dead > MAX_DEAD_RATIO * total_live:
        doomed = segments
    elif len(segments) > MAX_SEGMENTS:
        # The smallest ones, enough of them to get back to the limit: big segments are rewritten rarely.
        doomed = sorted(segments, key=lambda ref: live[ref.key])[: len(segments) - MAX_SEGMENTS + 1]
    else:
        return segments
    doomed_keys = {ref.key for ref in doomed}
    kept = [ref for ref in segments if ref.key not in doomed_keys]
    return [*kept, _merge_into(segment_key(prefix, generation_id, 1), doomed, entries, blobs)]


def merge_segments(segments: list[tuple[str, Segment]], entries: Mapping[str, ManifestEntry]) -> Segment:
    """One segment with the live items of `segments`; embeddings are carried over, not recomputed."""
    pairs: list[tuple[SegmentItem, list[ChunkInput]]] = []
    vectors: list[np.ndarray] = []
    model = segments[0][1].embedding_model if segments else None
    for key, segment in segments:
        for index, item in enumerate(segment.items):
            entry = entries.get(item.external_item_id)
            if entry is None or entry.segment != key or entry.content_hash != item.content_hash:
                continue
            rows = np.flatnonzero(segment.chunk_item == index)
            chunks = [
                ChunkInput(
                    segment.chunk_ids[r],
                    int(segment.chunk_position[r]),
                    segment.chunk_texts[r],
                    segment.location(int(r)),
                )
                for r in rows
            ]
            pairs.append((item, chunks))
            if segment.embeddings is not None:
                vectors.append(segment.embeddings[rows])
    embeddings = np.concatenate(vectors).astype(np.float32) if vectors and model else None
    return build_segment(pairs, embeddings, model)
