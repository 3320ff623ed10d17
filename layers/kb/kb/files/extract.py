"""Turning an uploaded file's bytes into an item's text with its sections.

The format is judged from the bytes (PDF and DOCX by their magic, everything else must decode as
text); the name and declared content type choose among the text formats and are checked against
the bytes. Each format's module (and its library) is imported only when a file of that format
arrives, so importing this module costs a handler nothing."""

from pathlib import PurePosixPath

from kb.files.detect import TEXT_FORMATS, Format, claimed_formats, decode_text, looks_like_html, sniff
from kb.files.limits import MAX_FILE_BYTES
from kb.files.models import ExtractedDocument, ExtractionError

__all__ = ["MAX_FILE_BYTES", "ExtractedDocument", "ExtractionError", "extract"]


def extract(data: bytes, filename: str, content_type: str | None = None) -> ExtractedDocument:
    """The document's title, text and sections; or ExtractionError with a stable `reason`:
    file_empty, file_too_large, file_type_mismatch, file_unsupported, file_encrypted,
    file_corrupt, archive_bomb, file_no_text (docs/files.md)."""
    if not data:
        raise ExtractionError("The file is empty.", "file_empty")
    if len(data) > MAX_FILE_BYTES:
        raise ExtractionError(f"The file is {len(data)} bytes (at most {MAX_FILE_BYTES}).", "file_too_large")
    try:
        document = _extract(data, filename, content_type)
    except ExtractionError:
        raise
    except RecursionError as error:
        raise ExtractionError("The file is nested too deeply to read.", "file_corrupt") from error
    except Exception as error:  # a parser's own failure on bad input: never anything but ours
        raise ExtractionError(f"The file could not be read ({type(error).__name__}).", "file_corrupt") from error
    if not document.text.strip():
        raise ExtractionError("The file has no text that could be extracted.", "file_no_text")
    if not document.title:
        document.title = _stem(filename)
    return document


def _extract(data: bytes, filename: str, content_type: str | None) -> ExtractedDocument:
    by_name, by_type = claimed_formats(filename, content_type)
    found = sniff(data)
    if found is None:
        text = decode_text(data)
        if text is None:
            claimed = by_name or by_type
            if claimed is not None:
                raise ExtractionError(f"The file's bytes are not {_describe(claimed)}.", "file_type_mismatch")
            raise ExtractionError("The file is neither a supported document nor UTF-8 text.", "file_unsupported")
        for claim in (by_name, by_type):
            if claim is not None and claim not in TEXT_FORMATS:
                raise ExtractionError(f"The file is text, not {_describe(claim)}.", "file_type_mismatch")
        chosen = _text_format(by_name, by_type, text)
        return _extract_text(chosen, text)
    for claim in (by_name, by_type):
        if claim is not None and claim != found:
            raise ExtractionError(
                f"The file is {_describe(found)}, but its name or type says {_describe(claim)}.", "file_type_mismatch"
            )
    if found is Format.PDF:
        from kb.files.pdf import extract_pdf

        return extract_pdf(data)
    from kb.files.docx import extract_docx

    return extract_docx(data)


def _text_format(by_name: Format | None, by_type: Format | None, text: str) -> Format:
    """The name's extension decides among text formats, then the declared type, then the text
    itself (HTML by its markup, anything else plain text)."""
    if by_name is not None:
        return by_name
    if by_type is not None:
        return by_type
    return Format.HTML if looks_like_html(text) else Format.TEXT


def _extract_text(chosen: Format, text: str) -> ExtractedDocument:
    if chosen is Format.HTML:
        from kb.files.html import extract_html

        return extract_html(text)
    if chosen is Format.MARKDOWN:
        from kb.files.markdown import extract_markdown

        return extract_markdown(text)
    if chosen is Format.CSV:
        from kb.files.tabular import extract_csv

        return extract_csv(text)
    if chosen is Format.JSONL:
        from kb.files.tabular import extract_jsonl

        return extract_jsonl(text)
    from kb.files.text import clean

    return ExtractedDocument(text=clean(text))


def _describe(kind: Format) -> str:
    return {
        Format.PDF: "a PDF",
        Format.DOCX: "a Word document (.docx)",
        Format.HTML: "HTML",
        Format.MARKDOWN: "Markdown",
        Format.TEXT: "text",
        Format.CSV: "CSV",
        Format.JSONL: "JSON lines",
    }[kind]


def _stem(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).stem.strip() or "untitled"
