"""PDF: the text of each page (pypdf), one section per page that has text."""

import io
import logging
from typing import TYPE_CHECKING

from kb.files.models import ExtractedDocument, ExtractionError
from kb.files.text import TextBuilder

if TYPE_CHECKING:
    from pypdf import PdfReader


def extract_pdf(data: bytes) -> ExtractedDocument:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    # pypdf warns about every oddity it repairs, quoting the file's bytes: a damaged upload would
    # write its contents into our logs. Its errors still reach us as exceptions.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    # pypdf rebuilds a damaged cross-reference table by scanning, so a truncated file would
    # "succeed" with whatever pages survive. A PDF ends with %%EOF (within its last bytes: some
    # writers append a newline or a little junk); without it the file was cut short.
    if b"%%EOF" not in data[-2048:]:
        raise ExtractionError("The PDF is truncated (it has no end-of-file marker).", "file_corrupt")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many PDFs are encrypted with an empty user password only to restrict printing or
        # copying: those open. A PDF that needs a password to be read does not.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("The PDF is encrypted with a password.", "file_encrypted")
        builder = TextBuilder()
        pages = reader.pages
        count = len(pages)
        for number, page in enumerate(pages, start=1):
            builder.page(number)
            builder.block(page.extract_text())
        title = _metadata_title(reader)
    except ExtractionError:
        raise
    except DependencyError as error:  # AES without the `cryptography` package, which we do not ship
        raise ExtractionError(
            "The PDF is encrypted with a cipher this service cannot open.", "file_encrypted"
        ) from error
    except Exception as error:  # pypdf raises many kinds on a damaged file; all mean the same to us
        raise ExtractionError(f"The PDF could not be read: {_describe(error)}.", "file_corrupt") from error
    text, sections = builder.finish()
    return ExtractedDocument(title=title, text=text, pages=count, sections=sections)


def _metadata_title(reader: "PdfReader") -> str:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except Exception:  # noqa: BLE001 - a damaged info dictionary costs the title, not the document
        return ""
    return " ".join(str(title).split()) if title else ""


def _describe(error: Exception) -> str:
    message = str(error).strip() or type(error).__name__
    return message[:200]
