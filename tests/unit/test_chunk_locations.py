"""Chunk offsets: the texts (and so the ids) of chunks are what they were before offsets existed,
and content[start:end] holds each chunk's text."""

import hashlib
import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.generations.chunking import chunk_spans, chunk_text, item_chunks

# The chunker as it was before it tracked offsets (commit 3e2eae5), frozen here: the chunk texts
# and ids of every generation published before, and the search benchmarks, depend on it.
_BOUNDARY = re.compile(r"[.!?]\s+|\n{2,}")


def reference_chunk_text(text: str, size: int, overlap: int) -> list[str]:
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    pieces, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        end = boundary.start() + (text[boundary.start()] in ".!?")
        pieces.append(text[start:end])
        start = boundary.end()
    pieces.append(text[start:])
    chunks: list[str] = []
    current = ""
    for piece in [p for p in pieces if p.strip()]:
        while len(piece) > size:
            head, piece = piece[:size], piece[size:]
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
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


def visible(text: str) -> str:
    """The non-whitespace characters, in order: what a chunk and its stretch share exactly."""
    return "".join(text.split())


# Texts made of what trips offsets: sentence ends, blank lines, whitespace runs of every kind,
# long unbroken runs (hard cuts) and characters outside the Basic Multilingual Plane.
TOKENS = ["word", "Satz", "日本語", "😀", "é", " ", "   ", "\t", "\n", "\n\n", "\n\n\n  ", ". ", "! ", "?\n"]
TOKENS += ["\u00a0", "\u2003", ".", "x" * 40, "A sentence of moderate length. "]
texts = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=600, deadline=None)
@given(texts, st.integers(5, 80), st.data())
def test_chunk_texts_are_those_of_the_chunker_before_offsets(text, size, data):
    overlap = data.draw(st.integers(0, size // 2))
    assert chunk_text(text, size, overlap) == reference_chunk_text(text, size, overlap)


@settings(max_examples=600, deadline=None)
@given(texts, st.integers(5, 80), st.data())
def test_each_chunk_is_the_stretch_its_offsets_name(text, size, data):
    overlap = data.draw(st.integers(0, size // 2))
    for chunk in chunk_spans(text, size, overlap):
        # The stretch holds exactly the chunk's characters, whitespace aside, and no more: it
        # starts and ends on one of them
        stretch = text[chunk.start : chunk.end]
        assert visible(stretch) == visible(chunk.text)
        assert stretch == stretch.strip()


def test_the_texts_of_a_help_center_are_unchanged():
    # Given an article of realistic prose (sentences, paragraphs, a list, a long URL)
    article = "\n\n".join(
        f"Section {n}. Refunds are processed within {n} days of receiving the item! Contact support "
        f"if yours is late?\n\n- step one\n- step two\n\nSee https://example.com/{'a' * 300} for more."
        for n in range(40)
    )
    # When it is chunked with the defaults and with small chunks
    digests = [
        hashlib.sha256("\x00".join(chunk_text(article, size, overlap)).encode()).hexdigest()[:16]
        for size, overlap in ((1000, 100), (200, 50), (300, 0))
    ]
    # Then the chunks are the very ones the chunker made before offsets (digests taken at 3e2eae5)
    assert digests == ["023e4a2e09638ca4", "6d61b4861cf8a422", "159659e9b423367d"]


def test_overlapping_chunks_point_back_into_the_previous_one():
    # Given sentences chunked at 60 characters with a 20-character overlap
    text = " ".join(f"Fact {i} matters a lot." for i in range(10))
    chunks = chunk_spans(text, 60, 20)
    # Then each chunk after the first starts inside the one before, where its tail starts
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start < before.end
        assert text[after.start : before.end] == before.text[-20:].strip()


def test_a_long_sentence_cut_hard_is_cut_at_the_same_places_in_the_text():
    text = "Intro. " + "x" * 250 + ". Outro."
    chunks = chunk_spans(text, 100, 10)
    # (the cut's last 50 characters join the next sentence)
    assert [(c.start, c.end) for c in chunks[1:4]] == [(7, 107), (107, 207), (207, 265)]
    assert [text[c.start : c.end] for c in chunks[1:4]] == ["x" * 100, "x" * 100, "x" * 50 + ". Outro."]


def test_whitespace_runs_between_sentences_are_inside_the_stretch_not_the_text():
    # Given sentences apart by runs of spaces, tabs and blank lines, and content that starts and
    # ends with whitespace
    content = "  \n First one.   \t Second one.\n\n\n\n   Third one, much longer than the rest.  \n"
    # When it is chunked in chunks of two sentences
    chunks = chunk_spans(content, 40, 0)
    # Then the texts join the sentences with one space, and the offsets name the original runs
    assert [c.text for c in chunks] == ["First one. Second one.", "Third one, much longer than the rest."]
    assert [content[c.start : c.end] for c in chunks] == [
        "First one.   \t Second one.",
        "Third one, much longer than the rest.",
    ]


def test_offsets_count_characters_not_bytes_nor_utf16_units():
    # Given content with characters of 2, 3 and 4 UTF-8 bytes (the last two UTF-16 units)
    content = "Café 日本語 ok. " * 3 + "😀 emoji here. " * 3
    # When it is chunked
    chunks = chunk_spans(content, 40, 5)
    # Then the offsets index the Python string: code points
    for chunk in chunks:
        assert visible(content[chunk.start : chunk.end]) == visible(chunk.text)
    assert chunks[-1].end == len(content.rstrip())


def test_an_items_offsets_are_into_its_content_not_its_title():
    # Given an item whose first chunk starts with its title
    title, content = "Refund policy", "Refunds take 14 days. Store credit is instant. Gift cards are final."
    # When it is chunked
    chunks = item_chunks(title, content, 40, 0)
    # Then the first chunk's text holds the title, and its offsets start the content
    assert chunks[0].text.startswith(title) and chunks[0].start == 0
    assert [content[c.start : c.end] for c in chunks[1:]] == [c.text for c in chunks[1:]]
    assert visible(title + content[chunks[0].start : chunks[0].end]) == visible(chunks[0].text)


def test_a_chunk_wholly_in_a_long_title_is_the_empty_stretch_at_the_start():
    title = "A very long title. " * 20
    chunks = item_chunks(title.strip(), "Short content.", 200, 0)
    assert (chunks[0].start, chunks[0].end) == (0, 0)
    assert chunks[-1].text.endswith("Short content.") and chunks[-1].end == len("Short content.")


def test_a_json_items_single_chunk_covers_its_whole_content():
    assert [(c.start, c.end) for c in item_chunks("", "  Refunds take 14 days.\n", 1000, 100)] == [(2, 23)]
