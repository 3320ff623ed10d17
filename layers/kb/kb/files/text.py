"""Building an extracted document's text and its sections (offsets, pages, heading paths)."""

from dataclasses import dataclass, field

from kb.files.models import DocumentSection

BLOCK_SEPARATOR = "\n\n"


def clean(text: str) -> str:
    """One newline convention, no NULs, no trailing spaces on lines: what every format emits."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


@dataclass
class _Open:
    page: int | None = None
    heading_path: list[str] = field(default_factory=list)
    start: int | None = None  # set by the section's first block
    end: int = 0


class TextBuilder:
    """Appends blocks of text and opens sections at headings or pages. A section runs from its
    first block to the end of its last, so sections never overlap and the separators between
    them belong to none; a section that got no text is dropped."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._sections: list[DocumentSection] = []
        self._open = _Open()
        self._headings: list[tuple[int, str]] = []  # (level, title), outermost first
        self._run: str | None = None

    def block(self, text: str, run: str | None = None) -> None:
        """Blocks of one run (list items, table rows, records) are one line apart; anything else
        a blank line apart."""
        text = clean(text)
        if not text.strip():
            return
        separator = "\n" if run is not None and run == self._run else BLOCK_SEPARATOR
        self._run = run
        if self._length:
            self._parts.append(separator)
            self._length += len(separator)
        if self._open.start is None:
            self._open.start = self._length
        self._parts.append(text)
        self._length += len(text)
        self._open.end = self._length

    def heading(self, level: int, title: str) -> None:
        """A heading of `level` (1 outermost) closes the sections of its level and deeper; its own
        section starts with its text, and its path names it and the headings it lies under."""
        title = " ".join(title.split())
        if not title:
            return
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._headings.append((level, title))
        self._close()
        self._open = _Open(heading_path=[name for _, name in self._headings])
        self.block(title)

    def page(self, number: int) -> None:
        """What follows lies on page `number`."""
        self._close()
        self._open = _Open(page=number)

    @property
    def length(self) -> int:
        return self._length

    def finish(self) -> tuple[str, list[DocumentSection]]:
        self._close()
        return "".join(self._parts), self._sections

    def _close(self) -> None:
        section = self._open
        if section.start is not None:
            self._sections.append(
                DocumentSection(
                    start=section.start, end=section.end, page=section.page, heading_path=section.heading_path
                )
            )
        self._open = _Open(heading_path=[name for _, name in self._headings])
