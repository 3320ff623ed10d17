"""Splitting content into overlapping chunks on natural boundaries, with stable chunk ids."""

import hashlib
import re

_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n{2,}")


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    """Greedy packing of sentences up to `size` characters; each chunk starts with the last
    `overlap` characters of the previous one so a fact split across a boundary stays findable."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    pieces = [p for p in _BOUNDARY.split(text) if p.strip()]
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        while len(piece) > size:  # a single over-long sentence is cut hard
            pieces_head, piece = piece[:size], piece[size:]
            if current:
                chunks.append(current)
                current = ""
            chunks.append(pieces_head)
        candidate = f"{current} {piece}".strip() if current else piece
        if len(candidate) <= size:
            current = candidate
            continue
        chunks.append(current)
        tail = current[-overlap:] if overlap else ""
        current = f"{tail} {piece}".strip() if tail else piece
    if current:
        chunks.append(current)
    return chunks


def chunk_id(external_item_id: str, position: int, content_hash: str) -> str:
    digest = hashlib.sha256(f"{external_item_id}\x00{position}\x00{content_hash}".encode()).hexdigest()
    return f"chk_{digest[:24]}"
