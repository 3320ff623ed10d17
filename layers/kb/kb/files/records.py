"""An uploaded file as the API shows it and DynamoDB keeps it, and the requests that create one."""

from typing import Literal

from pydantic import Field

from kb.autopublish.models import ItemPublication
from kb.items.models import (
    _METADATA_SCHEMA,
    EXTERNAL_ID_PATTERN,
    MAX_ID_CHARS,
    MAX_METADATA_KEYS,
    MAX_TAGS,
    MAX_TITLE_CHARS,
    PATH_SEGMENTS,
    MetadataValue,
    Tag,
)
from kb.models import ApiModel, JsonInt, RecordModel, RequestModel

# Through the API (multipart/form-data): Lambda takes at most 6 MB (6,291,456 bytes) of synchronous
# payload, and API Gateway hands it a non-text body base64-encoded (4/3 larger) inside the JSON
# event. 4 MiB of body is 5.33 MiB encoded, which leaves room for the event's headers; HTTP API's
# own 10 MB limit is never the binding one.
MAX_MULTIPART_BYTES = 4 * 1024 * 1024
# Through a presigned S3 upload: the size is declared up front and S3 enforces it.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
MAX_FILENAME_CHARS = 255
UPLOAD_URL_SECONDS = 900

FileStatus = Literal["awaiting_upload", "uploaded", "processing", "completed", "failed"]
# Where a failed file's reason lives besides the extraction codes (kb.files.models.ExtractionError).
FILE_SUPERSEDED = "file_superseded"
FILE_MISSING = "file_missing"


class FileError(ApiModel):
    code: str
    message: str


class FileResult(ApiModel):
    """What processing made of a completed file."""

    pages: int | None = None  # PDFs only
    characters: int
    chunks: int  # with the source's chunking, as the next apply cuts the item
    outcome: str  # the item's upsert outcome: created, updated, restored or unchanged


class FileRecord(RecordModel):
    id: str
    source_id: str
    external_item_id: str
    filename: str
    content_type: str | None = None
    size: int  # bytes: as received (multipart) or as declared (presigned)
    title: str | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    upload: Literal["multipart", "presigned"]
    status: FileStatus
    result: FileResult | None = None
    error: FileError | None = None
    created_at: str
    updated_at: str
    completed_at: str | None = None
    tenant_id: str = Field(exclude=True)
    # The queue message that holds the file while it is processed (a redelivery of the same
    # message may take it again; another message may not).
    claimed_by: str | None = Field(default=None, exclude=True)


class FileEnvelope(ApiModel):
    file: FileRecord
    # GET file only, once completed: where the item it wrote stands now (staged, published in
    # which generation, failed), as GET item says; null when that item is deleted.
    publication: ItemPublication | None = None


class FilePage(ApiModel):
    files: list[FileRecord]
    next_cursor: str | None = None


class CreateUploadRequest(RequestModel):
    """A presigned upload: the file's name and exact size, and the item's fields."""

    filename: str = Field(min_length=1, max_length=MAX_FILENAME_CHARS)
    size: JsonInt = Field(ge=1, le=MAX_UPLOAD_BYTES, description="The file's exact size in bytes")
    content_type: str | None = Field(default=None, max_length=255)
    # The item's own limits (kb.items.models), checked when the upload is accepted.
    external_item_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=EXTERNAL_ID_PATTERN,
        json_schema_extra={"not": {"enum": list(PATH_SEGMENTS)}},
        description="Derived from the file name when left out",
    )
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    metadata: dict[str, MetadataValue] = Field(
        default_factory=dict, max_length=MAX_METADATA_KEYS, json_schema_extra=_METADATA_SCHEMA
    )


class UploadTarget(ApiModel):
    """Where and how to send the file: a form POST of `fields`, then the file as the `file` field
    (last). S3 refuses a body of another size than the one declared."""

    url: str
    method: Literal["POST"] = "POST"
    fields: dict[str, str]
    expires_at: str


class UploadTicket(ApiModel):
    file: FileRecord
    upload: UploadTarget
