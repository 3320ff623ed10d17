"""Splitting content into overlapping chunks on natural boundaries, with stable chunk ids, and where
each chunk lies in the text it was cut from (character offsets, so a citation can point into it)."""

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass

# A sentence ends at . ! or ? followed by whitespace; a paragraph at a blank line. (Matching from
# the punctuation, not with a look-behind, lets the regex engine skip ahead: 4x faster.)
_BOUNDARY = re.compile(r"[.!?]\s+|\n{2,}")


@dataclass(frozen=True)
class ChunkSpan:
    """A chunk's text and the stretch [start, end) of the chunked text it covers: from its first to
    its last non-whitespace character. The text is that stretch with the whitespace between
    sentences joined by single spaces, so both hold the same non-whitespace characters in order."""

    text: str
    start: int
    end: int


class _Packing:
    """A chunk being packed, and how it maps back to the text: per copied stretch, its coordinate
    and its offset in the text. The chunk's character j has coordinate j + base (a strip moves the
    base, so a join appends one stretch instead of renumbering all). Join spaces are not copies,
    and only non-whitespace characters are ever looked up."""

    __slots__ = ("base", "coordinates", "sources", "text")

    def __init__(self, text: str, at: int) -> None:
        self.text, self.base, self.coordinates, self.sources = text, 0, [0], [at]

    def join(self, piece: str, at: int, size: int) -> bool:
        """Become f"{text} {piece}".strip() if that fits in `size` characters."""
        raw = f"{self.text} {piece}"
        candidate = raw.strip()
        if len(candidate) > size:
            return False
        self.coordinates.append(len(self.text) + 1 + self.base)
        self.sources.append(at)
        if raw[0].isspace():
            self.base += len(raw) - len(raw.lstrip())
        self.text = candidate
        return True

    def source(self, j: int) -> int:
        coordinate = j + self.base
        i = bisect_right(self.coordinates, coordinate) - 1
        return self.sources[i] + coordinate - self.coordinates[i]

    def span(self, shift: int) -> "ChunkSpan":
        chunk = self.text
        if chunk.isspace():  # a hard cut of nothing but whitespace: an empty stretch where it was cut
            at = self.source(0) + shift
            return ChunkSpan(chunk, at, at)
        first = len(chunk) - len(chunk.lstrip()) if chunk[0].isspace() else 0
        last = len(chunk.rstrip()) - 1 if chunk[-1].isspace() else len(chunk) - 1
        return ChunkSpan(chunk, self.source(first) + shift, self.source(last) + 1 + shift)

    def tail(self, overlap: int) -> "_Packing | None":
        """The last `overlap` characters, mapped as they were here."""
        tail = self.text[-overlap:] if overlap else ""
        if not tail:
            return None
        packing = _Packing(tail, 0)
        packing.base = self.base + len(self.text) - len(tail)
        packing.coordinates, packing.sources = self.coordinates, self.sources
        return packing


def _pieces(text: str) -> list[tuple[str, int]]:
    pieces, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        end = boundary.start() + (text[boundary.start()] in ".!?")  # the punctuation stays with its sentence
        pieces.append((text[start:end], start))
        start = boundary.end()
    pieces.append((text[start:], start))
    return [(p, at) for p, at in pieces if p.strip()]


def chunk_spans(text: str, size: int, overlap: int) -> list[ChunkSpan]:
    """Greedy packing of sentences up to `size` characters; each chunk starts with the last
    `overlap` characters of the previous one so a fact split across a boundary stays findable.
    Offsets are into `text` as given (in characters, as Python indexes strings)."""
    shift = len(text) - len(text.lstrip())
    text = text.strip()
    if len(text) <= size:
        return [ChunkSpan(text, shift, shift + len(text))] if text else []
    chunks: list[ChunkSpan] = []
    current: _Packing | None = None
    for piece, at in _pieces(text):
        while len(piece) > size:  # a single over-long sentence is cut hard
            pieces_head, piece = piece[:size], piece[size:]
            if current is not None:
                chunks.append(current.span(shift))
                current = None
            chunks.append(_Packing(pieces_head, at).span(shift))
            at += size
        if current is None:
            current = _Packing(piece, at)
            continue
        if current.join(piece, at, size):
            continue
        chunks.append(current.span(shift))
        tail = current.tail(overlap)
        if tail is None:
            current = _Packing(piece, at)
        else:
            # A tail longer than half the chunk still joins: chunks may then exceed `size` (as always).
            tail.join(piece, at, 1 << 62)
            current = tail
    if current is not None:
        chunks.append(current.span(shift))
    return chunks


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    return [chunk.text for chunk in chunk_spans(text, size, overlap)]


def item_chunks(title: str, content: str, size: int, overlap: int) -> list[ChunkSpan]:
    """An item's chunks (its title leads the first): offsets are into `content`, a chunk's part in
    the title left out (one wholly in the title is the empty stretch at 0)."""
    if not title:
        return chunk_spans(content, size, overlap)
    head = len(title) + 2
    return [
        ChunkSpan(chunk.text, max(chunk.start - head, 0), max(chunk.end - head, 0))
        for chunk in chunk_spans(f"{title}\n\n{content}", size, overlap)
    ]


def chunk_id(external_item_id: str, position: int, content_hash: str) -> str:
    digest = hashlib.sha256(f"{external_item_id}\x00{position}\x00{content_hash}".encode()).hexdigest()
    return f"chk_{digest[:24]}"
