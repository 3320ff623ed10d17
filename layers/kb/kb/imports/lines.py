"""Cutting a JSON-lines object into slices read by ranged GETs. A slice ends just after a newline
(b"\\n" never occurs inside a multi-byte UTF-8 sequence, so a cut there never splits a
character), or at the end of the object. A line may end in CRLF; blank lines are counted (line
numbers stay those of the file) but carry nothing."""

from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    text: bytes  # without its line ending; never blank


@dataclass(frozen=True)
class Cut:
    lines: list[Line]
    consumed: int  # bytes of the chunk the lines used: the next slice starts there
    read: int  # lines counted, blank ones included


def cut(chunk: bytes, first_line: int, at_end: bool, at_start: bool = False) -> Cut:
    """The complete lines of `chunk`, numbered from `first_line`. Unless `at_end` (the chunk
    reaches the end of the object), what follows the last newline is left for the next slice;
    a chunk without a newline then consumes nothing (the caller reads a longer range)."""
    end = len(chunk) if at_end else chunk.rfind(b"\n") + 1
    body = chunk[:end]
    skip = len(BOM) if at_start and body.startswith(BOM) else 0
    raw = body[skip:].split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()  # the newline ending the last line opens no new one
    lines = []
    for offset, text in enumerate(raw):
        text = text.removesuffix(b"\r")
        if text.strip():
            lines.append(Line(first_line + offset, text))
    return Cut(lines, end, len(raw))
