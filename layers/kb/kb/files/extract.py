"""Turning an uploaded file's bytes into an item's text with its sections."""

from kb.files.models import ExtractedDocument, ExtractionError


def extract(data: bytes, filename: str, content_type: str | None = None) -> ExtractedDocument:
    """Plain UTF-8 text only, for now; every other format is refused."""
    if not data:
        raise ExtractionError("The file is empty.", "file_empty")
    try:
        text = data.decode()
    except UnicodeDecodeError as error:
        raise ExtractionError("The file is not UTF-8 text.", "file_unsupported") from error
    return ExtractedDocument(text=text)
