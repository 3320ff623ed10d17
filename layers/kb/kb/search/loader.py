"""Reading a published generation's index from S3."""

from kb.blobs import BlobStore, manifest_key
from kb.generations.models import ChunkDocument, Manifest
from kb.search.index import LivePart, SearchIndex
from kb.search.segments import ChunkInput, Segment, SegmentItem, build_segment


def load_index(blobs: BlobStore, tenant_id: str, source_id: str, generation_id: str) -> SearchIndex:
    manifest = Manifest.model_validate(blobs.get_json(manifest_key(tenant_id, source_id, generation_id)))
    if manifest.index is None:
        return SearchIndex(source_id, generation_id, [_from_chunk_documents(blobs, manifest)])
    parts = []
    for ref in manifest.index.segments:
        live = {
            item_id: (entry.content_hash, entry.missing_since)
            for item_id, entry in manifest.items.items()
            if entry.segment == ref.key
        }
        parts.append(LivePart(Segment.from_bytes(blobs.get_bytes(ref.key)), live))
    return SearchIndex(source_id, generation_id, parts)


def _from_chunk_documents(blobs: BlobStore, manifest: Manifest) -> LivePart:
    """A generation built before indexes existed: keyword-only, indexed on load from its chunks."""
    entries = []
    for entry in manifest.items.values():
        document = ChunkDocument.model_validate(blobs.get_json(entry.chunks_key))
        item = SegmentItem(
            document.external_item_id,
            document.content_hash,
            document.title,
            document.url,
            document.tags,
            document.metadata,
            document.language,
        )
        entries.append((item, [ChunkInput(c.id, c.position, c.text) for c in document.chunks]))
    live = {item_id: (entry.content_hash, entry.missing_since) for item_id, entry in manifest.items.items()}
    return LivePart(build_segment(entries), live)
