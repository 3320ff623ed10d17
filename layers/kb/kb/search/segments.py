"""Index segments: the immutable, self-contained unit of a generation's search index.

A segment holds the chunks of some items (their text and item fields), the term postings of those
chunks and, when an embedding provider is configured, their embeddings. A generation is a list of
segments plus its manifest, which says which (item, segment) pairs are live: an apply writes one
segment for what changed and reuses every other one (see docs/search.md).
"""

import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kb.generations.locations import Location
from kb.search.languages import resolve
from kb.search.text import LEGACY, TermTable

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SegmentItem:
    external_item_id: str
    content_hash: str
    title: str
    url: str | None
    tags: list[str]
    metadata: dict[str, Any]
    language: str | None
    updated_at: str | None = None  # when this content was written; None in segments written before

    def to_json(self) -> dict[str, Any]:
        return {
            "externalItemId": self.external_item_id,
            "contentHash": self.content_hash,
            "title": self.title,
            "url": self.url,
            "tags": self.tags,
            "metadata": self.metadata,
            "language": self.language,
            "updatedAt": self.updated_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SegmentItem":
        return cls(
            external_item_id=data["externalItemId"],
            content_hash=data["contentHash"],
            title=data["title"],
            url=data["url"],
            tags=data["tags"],
            metadata=data["metadata"],
            language=data["language"],
            updated_at=data.get("updatedAt"),
        )


@dataclass(frozen=True)
class ChunkInput:
    chunk_id: str
    position: int
    text: str
    location: Location | None = None  # None: built from a chunk document older than locations


# A chunk's location as a row of `Segment.chunk_location`: start, end, page, last page (0: none),
# heading path (an index into `heading_paths`, -1: none). start -1: the chunk has no location.
NO_LOCATION = (-1, -1, 0, 0, -1)


def location_row(location: Location | None, headings: dict[tuple[str, ...], int]) -> tuple[int, int, int, int, int]:
    if location is None:
        return NO_LOCATION
    heading = headings.setdefault(location.heading_path, len(headings)) if location.heading_path else -1
    return (location.start, location.end, location.page or 0, location.page_end or 0, heading)


def location_of(row: npt.NDArray[np.int64], heading_paths: list[list[str]]) -> Location | None:
    start, end, page, page_end, heading = row.tolist()  # plain ints, at once (results are served from here)
    if start < 0:
        return None
    path = tuple(heading_paths[heading]) if heading >= 0 else ()
    return Location(start, end, page or None, page_end or None, path)


@dataclass
class Segment:
    items: list[SegmentItem]
    chunk_ids: list[str]
    chunk_texts: list[str]
    chunk_item: npt.NDArray[np.int32]  # chunk -> index into items
    chunk_position: npt.NDArray[np.int32]
    chunk_length: npt.NDArray[np.int32]  # terms per chunk (BM25's document length)
    vocabulary: list[str]
    term_offsets: npt.NDArray[np.int64]  # postings of vocabulary[t]: [term_offsets[t], term_offsets[t+1])
    posting_chunks: npt.NDArray[np.int32]
    posting_counts: npt.NDArray[np.int32]
    embeddings: npt.NDArray[np.float32] | None  # one unit vector per chunk
    embedding_model: str | None
    # One NO_LOCATION-shaped row per chunk, and the distinct heading paths the rows point at;
    # None in segments written before locations.
    chunk_location: npt.NDArray[np.int64] | None = None
    heading_paths: list[list[str]] = field(default_factory=list)
    # The language each item was analysed as (kb.search.languages); None in segments written before
    # languages, whose terms are all LEGACY's.
    item_languages: list[str] | None = None

    @property
    def chunk_count(self) -> int:
        return len(self.chunk_ids)

    def analysis(self, item: int) -> str:
        return LEGACY if self.item_languages is None else self.item_languages[item]

    def location(self, row: int) -> Location | None:
        return None if self.chunk_location is None else location_of(self.chunk_location[row], self.heading_paths)

    def to_bytes(self) -> bytes:
        meta = {
            "formatVersion": FORMAT_VERSION,
            "items": [item.to_json() for item in self.items],
            "chunkIds": self.chunk_ids,
            "chunkTexts": self.chunk_texts,
            "vocabulary": self.vocabulary,
            "embeddingModel": self.embedding_model,
            "headingPaths": self.heading_paths,
            "itemLanguages": self.item_languages,
        }
        arrays: dict[str, Any] = {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            "chunk_item": self.chunk_item,
            "chunk_position": self.chunk_position,
            "chunk_length": self.chunk_length,
            "term_offsets": self.term_offsets,
            "posting_chunks": self.posting_chunks,
            "posting_counts": self.posting_counts,
        }
        if self.chunk_location is not None:
            arrays["chunk_location"] = self.chunk_location
        if self.embeddings is not None:
            arrays["embeddings"] = self.embeddings.astype(np.float16)  # unit vectors: half precision is plenty
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Segment":
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            meta = json.loads(stored["meta"].tobytes())
            embeddings = stored["embeddings"].astype(np.float32) if "embeddings" in stored.files else None
            return cls(
                items=[SegmentItem.from_json(item) for item in meta["items"]],
                chunk_ids=meta["chunkIds"],
                chunk_texts=meta["chunkTexts"],
                chunk_item=stored["chunk_item"],
                chunk_position=stored["chunk_position"],
                chunk_length=stored["chunk_length"],
                vocabulary=meta["vocabulary"],
                term_offsets=stored["term_offsets"],
                posting_chunks=stored["posting_chunks"],
                posting_counts=stored["posting_counts"],
                embeddings=embeddings,
                embedding_model=meta["embeddingModel"],
                chunk_location=stored["chunk_location"] if "chunk_location" in stored.files else None,
                heading_paths=meta.get("headingPaths", []),
                item_languages=meta.get("itemLanguages"),
            )


def indexed_text(item: SegmentItem, chunk: ChunkInput) -> str:
    """Every chunk is indexed with its item's title, so a later chunk still matches the topic."""
    if not item.title or chunk.text.startswith(item.title):
        return chunk.text
    return f"{item.title}\n{chunk.text}"


def build_segment(
    entries: list[tuple[SegmentItem, list[ChunkInput]]],
    embeddings: npt.NDArray[np.float32] | None = None,
    embedding_model: str | None = None,
) -> Segment:
    """Postings for the given chunks; `embeddings` (one row per chunk, in order) if computed.
    Each item is analysed in its language: the one it declares, else the one detected from the
    start of its first chunk (kb.search.languages.resolve)."""
    items: list[SegmentItem] = []
    chunk_ids: list[str] = []
    chunk_texts: list[str] = []
    chunk_item: list[int] = []
    chunk_position: list[int] = []
    locations: list[tuple[int, int, int, int, int]] = []
    headings: dict[tuple[str, ...], int] = {}
    indexed: list[str] = []
    item_languages: list[str] = []
    chunk_languages: list[str] = []
    for item, chunks in entries:
        items.append(item)
        language = resolve(item.language, indexed_text(item, chunks[0]) if chunks else item.title)
        item_languages.append(language)
        chunk_languages.extend([language] * len(chunks))
        for chunk in chunks:
            chunk_ids.append(chunk.chunk_id)
            chunk_texts.append(chunk.text)
            chunk_item.append(len(items) - 1)
            chunk_position.append(chunk.position)
            locations.append(location_row(chunk.location, headings))
            indexed.append(indexed_text(item, chunk))
    table = TermTable()
    every_word, word_chunk = table.word_ids(indexed, chunk_languages)
    kept = every_word >= 0  # stop words out
    # Term ids in the vocabulary's sorted order, so a segment is the same bytes for the same input.
    order = np.argsort(np.asarray(table.vocabulary, dtype=object)) if table.vocabulary else np.zeros(0, np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    posting_terms, posting_chunk = rank[every_word[kept]], word_chunk[kept]
    lengths = np.bincount(posting_chunk, minlength=len(chunk_ids))
    # One (term, chunk) pair per distinct occurrence, counted: the postings, sorted by term then chunk.
    width = max(len(chunk_ids), 1)
    pairs, counts = np.unique(posting_terms * width + posting_chunk, return_counts=True)
    pair_terms, pair_chunks = np.divmod(pairs, width)
    offsets = np.concatenate(([0], np.cumsum(np.bincount(pair_terms, minlength=len(order))))).astype(np.int64)
    return Segment(
        items=items,
        chunk_ids=chunk_ids,
        chunk_texts=chunk_texts,
        chunk_item=np.asarray(chunk_item, dtype=np.int32),
        chunk_position=np.asarray(chunk_position, dtype=np.int32),
        chunk_length=lengths.astype(np.int32),
        vocabulary=[table.vocabulary[i] for i in order],
        term_offsets=offsets,
        posting_chunks=pair_chunks.astype(np.int32),
        posting_counts=counts.astype(np.int32),
        embeddings=embeddings,
        embedding_model=embedding_model,
        chunk_location=np.asarray(locations, dtype=np.int64).reshape(-1, len(NO_LOCATION)),
        heading_paths=[list(path) for path in headings],
        item_languages=item_languages,
    )
