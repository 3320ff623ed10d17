"""An item as the serving generation publishes it: what a run's changes are compared with (the
console's diff). A generation keeps its items as indexed chunks, not as the content that was
pushed, so the text is rebuilt from the chunks: exact for an item that fits one chunk (most do),
and with the index's whitespace (sentences joined by single spaces) for a longer one."""

from pydantic import Field

from kb.blobs import BlobStore
from kb.errors import NotFound
from kb.generations.chunk_packs import read_chunk_document
from kb.generations.manifests import open_manifest
from kb.generations.models import Chunk
from kb.items.models import MetadataValue
from kb.models import ApiModel
from kb.sources.models import Source


class PublishedItem(ApiModel):
    external_item_id: str
    generation_id: str = Field(description="The serving generation this version is read from")
    content_hash: str
    title: str
    url: str | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    language: str | None = None
    text: str = Field(
        description="The content rebuilt from the indexed chunks: exact for a one-chunk item, else "
        "with sentences joined by single spaces"
    )
    missing_since: str | None = Field(default=None, description="Set: a tombstone still serving its grace days")


class PublishedItemEnvelope(ApiModel):
    published: PublishedItem


def published_item(blobs: BlobStore, source: Source, external_item_id: str) -> PublishedItem:
    """404 when no generation serves, or the serving one does not hold the item. Costs the
    manifest's root, the item's shard and its chunk document."""
    generation_id = source.current_generation_id
    if generation_id is not None:
        _, entries = open_manifest(blobs, source.tenant_id, source.id, generation_id)
        entries.load([external_item_id])
        entry = entries.get(external_item_id)
        if entry is not None:
            document = read_chunk_document(blobs, entry)
            return PublishedItem(
                external_item_id=external_item_id,
                generation_id=generation_id,
                content_hash=document.content_hash,
                title=document.title,
                url=document.url,
                tags=document.tags,
                metadata=document.metadata,
                language=document.language,
                text=rebuilt_text(document.title, document.chunks),
                missing_since=entry.missing_since,
            )
    raise NotFound(f"Item {external_item_id} is not published: the serving generation does not hold it.")


def rebuilt_text(title: str, chunks: list[Chunk]) -> str:
    """The chunks' texts, the title that leads the first left out, each overlap counted once (a
    chunk that starts before the previous one ended repeats that one's last words)."""
    words: list[str] = []
    text = ""
    previous_end: int | None = None
    for chunk in sorted(chunks, key=lambda c: c.position):
        piece = chunk.text
        if chunk.position == 0 and title and piece.startswith(title):
            piece = piece[len(title) :].lstrip("\n")
        if not piece:
            continue
        if previous_end is None:
            text = piece  # the first (often the only) chunk keeps its own whitespace
            words = piece.split()
        else:
            overlaps = chunk.location is None or chunk.location.start < previous_end
            new = piece.split()
            shared = _overlap(words, new) if overlaps else 0
            words += new[shared:]
            text = " ".join(words)
        previous_end = chunk.location.end if chunk.location is not None else None
        if previous_end is None:
            previous_end = 1 << 62
    return text


def _overlap(before: list[str], after: list[str]) -> int:
    """The most words that end `before` and start `after`."""
    for size in range(min(len(before), len(after)), 0, -1):
        if before[-size:] == after[:size]:
            return size
    return 0
