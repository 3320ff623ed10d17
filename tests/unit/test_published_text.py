"""A published item's text is rebuilt from its indexed chunks (kb.items.published): exact for an item
of one chunk, and for a longer one every word once, in order, whatever the overlap repeated."""

from kb.generations.chunking import item_chunks
from kb.generations.locations import ChunkLocation, locate
from kb.generations.models import Chunk
from kb.items.published import rebuilt_text


def indexed(title: str, content: str, size: int, overlap: int) -> list[Chunk]:
    """The chunks a build writes for the item (as kb.generations.build does)."""
    spans = item_chunks(title, content, size, overlap)
    return [
        Chunk(id=f"c{i}", position=i, text=span.text, location=ChunkLocation.of(location))
        for i, (span, location) in enumerate(zip(spans, locate(spans, []), strict=True))
    ]


def test_a_one_chunk_item_is_rebuilt_exactly_without_its_title():
    # Given a short item with a title and line breaks
    content = "Refunds take 14 days.\n\nAsk support for an exception."
    # When its one chunk is rebuilt
    text = rebuilt_text("Refunds", indexed("Refunds", content, 1000, 100))
    # Then the text is the content as pushed
    assert text == content


def test_a_long_item_is_rebuilt_with_each_overlapping_word_once():
    # Given an item long enough for many overlapping chunks (with sentences that repeat words)
    sentences = [f"Sentence {n} says the the parcel {n % 3} arrives." for n in range(60)]
    content = " ".join(sentences)
    chunks = indexed("Policy", content, 200, 60)
    assert len(chunks) > 5 and all(c.location is not None for c in chunks)
    # When it is rebuilt
    text = rebuilt_text("Policy", chunks)
    # Then every word of the content appears once, in order
    assert text.split() == content.split()


def test_chunks_without_overlap_are_joined_whole():
    # Given chunks that do not overlap (overlap 0), where one ends with the word the next starts with
    content = "alpha beta gamma. gamma delta epsilon. epsilon zeta eta."
    chunks = indexed("", content, 20, 0)
    assert len(chunks) > 1
    # When rebuilt, no word is taken for an overlap
    assert rebuilt_text("", chunks).split() == content.split()
