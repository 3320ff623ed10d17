"""Pages and heading paths of chunks from an item's sections, and locations carried through
segments (storage, merges, the in-memory index) and into search results."""

import io
import json

import numpy as np

from kb.files.models import DocumentSection
from kb.generations.chunking import ChunkSpan, item_chunks
from kb.generations.locations import Location, locate
from kb.generations.models import ChunkDocument, ManifestEntry
from kb.search.build import indexed_change, merge_segments
from kb.search.index import LivePart, SearchIndex
from kb.search.segments import ChunkInput, Segment, SegmentItem, build_segment
from kb.search.service import Hit, to_result

PAGES = [
    DocumentSection(start=0, end=100, page=1, heading_path=["Guide", "Install"]),
    DocumentSection(start=102, end=200, page=2, heading_path=["Guide", "Install"]),
    DocumentSection(start=202, end=300, page=3, heading_path=["Guide", "Configure"]),
]


def span(start: int, end: int) -> ChunkSpan:
    return ChunkSpan("", start, end)


def test_a_chunk_on_one_page_has_that_page_and_the_heading_path_where_it_starts():
    (location,) = locate([span(110, 190)], PAGES)
    assert location == Location(110, 190, 2, 2, ("Guide", "Install"))


def test_a_chunk_over_a_page_break_spans_both_pages_and_keeps_its_first_heading():
    (location,) = locate([span(150, 250)], PAGES)
    assert (location.page, location.page_end, location.heading_path) == (2, 3, ("Guide", "Install"))


def test_a_chunk_starting_between_sections_takes_the_next_ones_heading():
    # (the blank line between two pages belongs to neither)
    (location,) = locate([span(100, 180)], PAGES)
    assert (location.page, location.page_end, location.heading_path) == (2, 2, ("Guide", "Install"))


def test_the_most_specific_heading_of_nested_sections_wins():
    # Given sections for pages and, inside them, headings (as a PDF with an outline may give)
    nested = [
        DocumentSection(start=0, end=1000, page=1),
        DocumentSection(start=200, end=400, heading_path=["Guide"]),
        DocumentSection(start=250, end=400, heading_path=["Guide", "Install", "Linux"]),
    ]
    # Then a chunk starting in the deepest heading has its path and the page around it
    (inner, outer) = locate([span(260, 300), span(210, 240)], nested)
    assert (inner.page, inner.heading_path) == (1, ("Guide", "Install", "Linux"))
    assert (outer.page, outer.heading_path) == (1, ("Guide",))


def test_an_item_without_sections_has_offsets_only():
    assert locate([span(0, 21)], []) == [Location(0, 21)]


def test_the_title_only_chunk_of_an_item_lies_in_its_first_section():
    chunks = item_chunks("A long title. " * 20, "Body text.", 200, 0)
    assert locate(chunks, PAGES)[0].page == 1


def test_markdown_headings_map_onto_chunks_of_a_real_text():
    # Given a text extracted from Markdown: two headed sections
    intro, setup = "Our product syncs files. It is fast.", "Install the agent. Then sign in."
    content = f"{intro}\n\n{setup}"
    sections = [
        DocumentSection(start=0, end=len(intro), heading_path=["Overview"]),
        DocumentSection(start=len(intro) + 2, end=len(content), heading_path=["Overview", "Setup"]),
    ]
    # When it is chunked in chunks of about a sentence
    chunks = item_chunks("Product", content, 25, 0)
    headings = {
        chunk.text: location.heading_path for chunk, location in zip(chunks, locate(chunks, sections), strict=True)
    }
    # Then the chunks of the setup steps are under Setup, the others (the title's too) under Overview
    assert headings == {
        "Product": ("Overview",),
        "Our product syncs files.": ("Overview",),
        "It is fast.": ("Overview",),
        "Install the agent.": ("Overview", "Setup"),
        "Then sign in.": ("Overview", "Setup"),
    }


def _segment_item(item_id: str) -> SegmentItem:
    return SegmentItem(item_id, "h1", "Guide", None, [], {}, None)


def _located_segment() -> Segment:
    chunks = [
        ChunkInput("chk_1", 0, "Install the agent.", Location(0, 18, 2, 3, ("Guide", "Install"))),
        ChunkInput("chk_2", 1, "Sign in to finish.", Location(19, 37)),
        ChunkInput("chk_3", 2, "Published before locations.", None),
    ]
    return build_segment([(_segment_item("guide"), chunks)])


def test_a_segment_stores_its_chunks_locations():
    restored = Segment.from_bytes(_located_segment().to_bytes())
    assert [restored.location(r) for r in range(3)] == [
        Location(0, 18, 2, 3, ("Guide", "Install")),
        Location(19, 37),
        None,
    ]


def test_a_segment_written_before_locations_still_loads_without_them():
    # Given a segment as stored before locations (no location array, no heading table)
    stored = np.load(io.BytesIO(_located_segment().to_bytes()), allow_pickle=False)
    meta = json.loads(stored["meta"].tobytes())
    del meta["headingPaths"]
    arrays = {name: stored[name] for name in stored.files if name != "chunk_location"}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    # When it is loaded and searched together with a new one
    old = Segment.from_bytes(buffer.getvalue())
    other = build_segment([(_segment_item("other"), [ChunkInput("chk_9", 0, "Other.", Location(0, 6, 1, 1, ("X",)))])])
    index = SearchIndex(
        "src", "gen", [LivePart(old, {"guide": ("h1", None)}), LivePart(other, {"other": ("h1", None)})]
    )
    # Then its chunks have no location, and the new segment's keep theirs
    assert [index.location(c) for c in range(index.chunk_count)] == [None, None, None, Location(0, 6, 1, 1, ("X",))]


def test_merging_segments_carries_locations_over():
    first = _located_segment()
    second = build_segment([(_segment_item("b"), [ChunkInput("chk_b", 0, "B.", Location(5, 7, 9, 9, ("Z",)))])])
    entries = {
        "guide": ManifestEntry(content_hash="h1", chunks_key="k", chunk_count=3, title="Guide", segment="s1"),
        "b": ManifestEntry(content_hash="h1", chunks_key="k", chunk_count=1, title="Guide", segment="s2"),
    }
    merged = merge_segments([("s1", first), ("s2", second)], entries)
    assert [merged.location(r) for r in range(merged.chunk_count)] == [
        Location(0, 18, 2, 3, ("Guide", "Install")),
        Location(19, 37),
        None,
        Location(5, 7, 9, 9, ("Z",)),
    ]


def test_a_search_result_shows_its_chunks_location():
    index = SearchIndex("src", "gen", [LivePart(_located_segment(), {"guide": ("h1", None)})])
    results = [to_result(Hit(index, chunk, 1.0)).to_json_dict() for chunk in range(3)]
    assert [r["location"] for r in results] == [
        {"start": 0, "end": 18, "page": 2, "pageEnd": 3, "headingPath": ["Guide", "Install"]},
        {"start": 19, "end": 37, "page": None, "pageEnd": None, "headingPath": []},
        None,
    ]


def test_a_chunk_document_written_before_locations_reads_with_none():
    document = ChunkDocument.model_validate(
        {
            "externalItemId": "faq",
            "contentHash": "h1",
            "title": "",
            "url": None,
            "tags": [],
            "metadata": {},
            "language": None,
            "chunks": [{"id": "chk_a", "position": 0, "text": "Refunds take 14 days."}],
        }
    )
    assert indexed_change(document).chunks[0].location is None
