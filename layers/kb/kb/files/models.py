"""What extraction makes of an uploaded file: its text, and where each stretch of it came from."""

from typing import ClassVar

from pydantic import Field

from kb.errors import DomainError
from kb.models import ApiModel


class DocumentSection(ApiModel):
    """A stretch [start, end) of the item's text (character offsets) and where it lies in the
    original document: its page (PDFs, from 1) and its heading path (Markdown, HTML, DOCX)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = Field(default=None, ge=1)
    heading_path: list[str] = Field(default_factory=list)


class ExtractedDocument(ApiModel):
    title: str = ""
    text: str
    pages: int | None = None  # PDFs only
    sections: list[DocumentSection] = Field(default_factory=list)


class ExtractionError(DomainError):
    """A file that cannot be turned into text; `code` says why (a file's failed status shows it)."""

    code: ClassVar[str] = "file_unreadable"

    def __init__(self, message: str, code: str = "file_unreadable") -> None:
        super().__init__(message)
        self.reason = code  # file_empty, file_too_large, file_encrypted, file_corrupt, file_type_mismatch, ...
