"""Reading a published generation's index from S3."""

from kb.blobs import BlobStore, manifest_key
from kb.generations.chunk_packs import read_chunk_document
from kb.generations.manifests import all_entries, parallel
from kb.generations.models import Manifest, ManifestEntry
from kb.search.build import indexed_change
from kb.search.index import LivePart, SearchIndex
from kb.search.segments import Segment, build_segment


def load_index(blobs: BlobStore, tenant_id: str, source_id: str, generation_id: str) -> SearchIndex:
    manifest = Manifest.model_validate(blobs.get_json(manifest_key(tenant_id, source_id, generation_id)))
    items = all_entries(blobs, manifest)
    if manifest.index is None:
        return SearchIndex(source_id, generation_id, [_from_chunk_documents(blobs, items)])
    by_segment: dict[str | None, dict[str, tuple[str, str | None]]] = {}
    for item_id, entry in items.items():
        by_segment.setdefault(entry.segment, {})[item_id] = (entry.content_hash, entry.missing_since)
    segments = parallel(lambda ref: Segment.from_bytes(blobs.get_bytes(ref.key)), manifest.index.segments)
    parts = [
        LivePart(segment, by_segment.get(ref.key, {}))
        for ref, segment in zip(manifest.index.segments, segments, strict=True)
    ]
    return SearchIndex(source_id, generation_id, parts)


def _from_chunk_documents(blobs: BlobStore, items: dict[str, ManifestEntry]) -> LivePart:
    """A generation built before indexes existed: keyword-only, indexed on load from its chunks."""
    changes = [indexed_change(read_chunk_document(blobs, entry)) for entry in items.values()]
    entries = [(change.item, change.chunks) for change in changes]
    live = {item_id: (entry.content_hash, entry.missing_since) for item_id, entry in items.items()}
    return LivePart(build_segment(entries), live)
