"""Citations tied to text: each complete `[n]` marker of an answer, found as the answer grows,
with the stretch of text before it that it supports (back to the sentence start or the previous
marker). Streamed answers emit each as soon as its marker is complete."""

import re
from dataclasses import dataclass

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"[.!?]\s")


@dataclass(frozen=True)
class Span:
    number: int
    start: int
    end: int


class CitationTracker:
    def __init__(self, count: int) -> None:
        self.count = count  # markers beyond the passages given are not citations
        self._seen = 0  # where the next marker may start
        self._last_end = 0  # end of the previous marker
        self._last_span: tuple[int, int] | None = None

    def feed(self, text: str) -> list[Span]:
        """The answer so far; returns the markers completed since the last call."""
        found: list[Span] = []
        for match in _MARKER.finditer(text, self._seen):
            self._seen = match.end()
            number = int(match.group(1))
            between = text[self._last_end : match.start()]
            if between.strip() or self._last_span is None:
                self._last_span = _span_before(text, self._last_end, match.start())
            self._last_end = match.end()
            if 1 <= number <= self.count and self._last_span[1] > self._last_span[0]:
                found.append(Span(number, *self._last_span))
        return found


def _span_before(text: str, floor: int, marker: int) -> tuple[int, int]:
    end = marker
    while end > floor and text[end - 1].isspace():
        end -= 1
    start = floor
    # The sentence holding the text just before the marker (its own final stop excluded).
    for boundary in _SENTENCE_END.finditer(text, floor, max(floor, end - 1)):
        start = boundary.end()
    while start < end and text[start].isspace():
        start += 1
    return start, end
