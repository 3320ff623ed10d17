"""Where a chunk lies in its item: character offsets into the item's content and, for an item
extracted from a file, the pages it spans and the heading path where it starts (from the item's
sections). Computed when the chunk is built, stored with it, returned with every citation."""

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from pydantic import Field

from kb.files.models import DocumentSection
from kb.generations.chunking import ChunkSpan
from kb.models import ApiModel


@dataclass(frozen=True, slots=True)
class Location:
    """A chunk's place, as the build and the index carry it (the API shows it as ChunkLocation)."""

    start: int
    end: int
    page: int | None = None
    page_end: int | None = None
    heading_path: tuple[str, ...] = ()


class ChunkLocation(ApiModel):
    """Where a chunk lies in its item: `content[start:end]` (Unicode characters, from 0) holds the
    chunk's text (the text joins sentences with single spaces, and a first chunk starts with the
    item's title, which is not part of the content). For an item extracted from a file, the
    pages the chunk spans and the heading path where it starts."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = Field(default=None, description="The page the chunk starts on (documents with pages)")
    page_end: int | None = Field(default=None, description="The page it ends on (equal to page on one page)")
    heading_path: list[str] = Field(default_factory=list, description="The headings above where it starts")

    @classmethod
    def of(cls, location: Location) -> "ChunkLocation":
        # On the serving path (every result): validating a dict by alias runs in pydantic-core and
        # costs about half what model_construct's Python does.
        return cls.model_validate(cls.fields_of(location))

    @staticmethod
    def fields_of(location: Location) -> dict[str, Any]:
        """The model's fields by alias (what `of` validates; a search result nests them)."""
        return {
            "start": location.start,
            "end": location.end,
            "page": location.page,
            "pageEnd": location.page_end,
            "headingPath": list(location.heading_path),
        }

    def to_location(self) -> Location:
        return Location(self.start, self.end, self.page, self.page_end, tuple(self.heading_path))


def locate(spans: list[ChunkSpan], sections: list[DocumentSection]) -> list[Location]:
    """Each chunk's location: its offsets, and what the sections it overlaps say. The heading
    path is the most specific one among the sections holding its first character (else that of
    the first section it overlaps); pages run from the least to the greatest it overlaps."""
    if not sections:
        return [Location(span.start, span.end) for span in spans]
    ordered = sorted(sections, key=lambda s: (s.start, s.end))
    # The greatest end so far, monotone even when sections nest: the first index whose reach
    # passes a chunk's start is the first section that can overlap it.
    reach = list(accumulate((s.end for s in ordered), max))
    located = []
    for span in spans:
        stop = max(span.end, span.start + 1)  # an empty stretch lies in the section around it
        overlapping = []
        i = bisect_right(reach, span.start)
        while i < len(ordered) and ordered[i].start < stop:
            if ordered[i].end > span.start:
                overlapping.append(ordered[i])
            i += 1
        pages = [s.page for s in overlapping if s.page is not None]
        at_start = [s for s in overlapping if s.start <= span.start] or overlapping[:1]
        heading = max((s.heading_path for s in at_start), key=len, default=[])
        located.append(
            Location(
                span.start,
                span.end,
                min(pages) if pages else None,
                max(pages) if pages else None,
                tuple(heading),
            )
        )
    return located
