"""What a file is, judged from its bytes; and what its name and declared content type claim."""

import codecs
from enum import StrEnum
from pathlib import PurePosixPath

from kb.files.models import ExtractionError


class Format(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"
    CSV = "csv"
    JSONL = "jsonl"


TEXT_FORMATS = frozenset({Format.HTML, Format.MARKDOWN, Format.TEXT, Format.CSV, Format.JSONL})

EXTENSIONS = {
    ".pdf": Format.PDF,
    ".docx": Format.DOCX,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".csv": Format.CSV,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
}

CONTENT_TYPES = {
    "application/pdf": Format.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Format.DOCX,
    "text/html": Format.HTML,
    "application/xhtml+xml": Format.HTML,
    "text/markdown": Format.MARKDOWN,
    "text/x-markdown": Format.MARKDOWN,
    "text/plain": Format.TEXT,
    "text/csv": Format.CSV,
    "application/jsonl": Format.JSONL,
    "application/x-ndjson": Format.JSONL,
    "application/x-jsonlines": Format.JSONL,
    "application/jsonlines": Format.JSONL,
}

# Names every text file may go by: a generic text/plain says "text", not "not Markdown".
GENERIC_CONTENT_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "text/plain", ""})

ZIP_MAGIC = b"PK\x03\x04"
DOCX_MAIN_PART = b"word/document.xml"


def claimed_formats(filename: str, content_type: str | None) -> tuple[Format | None, Format | None]:
    """(what the extension says, what the content type says); None where it says nothing we know."""
    by_name = EXTENSIONS.get(PurePosixPath(filename.replace("\\", "/")).suffix.lower())
    media = (content_type or "").split(";")[0].strip().lower()
    by_type = None if media in GENERIC_CONTENT_TYPES else CONTENT_TYPES.get(media)
    return by_name, by_type


def sniff(data: bytes) -> Format | None:
    """PDF or DOCX from their magic bytes; None for anything else (text or not)."""
    header = data.find(b"%PDF-", 0, 1024)
    # The header may follow a little junk (readers look 1024 bytes in): whitespace or binary, but
    # not text, or a Markdown file that mentions "%PDF-" near its start would be taken for a PDF.
    if header == 0 or (header > 0 and (not data[:header].strip() or any(byte < 9 for byte in data[:header]))):
        return Format.PDF
    if data.startswith(ZIP_MAGIC):
        # Each entry's local header names it, and the central directory names it again: either
        # way the name is in the bytes. A ZIP without it is not a Word document.
        if DOCX_MAIN_PART in data:
            return Format.DOCX
        raise ExtractionError("The file is a ZIP archive, not a Word document (.docx).", "file_unsupported")
    return None


BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> str | None:
    """The text, if the bytes are UTF-8 (or UTF-8/UTF-16 with a byte-order mark) and hold no
    control characters that text does not have; else None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return None
            break
    else:
        if b"\x00" in data[:8192]:  # no text file holds NULs; UTF-16 without a BOM is not taken
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    head = text[:8192]
    controls = sum(1 for char in head if ord(char) < 32 and char not in "\t\n\r\f\v")
    return None if controls > len(head) // 100 else text


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and any(tag in head for tag in ("<html", "<head", "<body", "<title"))
