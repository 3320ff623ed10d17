"""Accepting files: through the API (multipart) or a presigned S3 upload; their status."""

import re
import unicodedata
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from kb.errors import NotFound, PayloadTooLarge, ValidationFailed
from kb.files.records import (
    MAX_MULTIPART_BYTES,
    UPLOAD_URL_SECONDS,
    CreateUploadRequest,
    FilePage,
    FileRecord,
    UploadTarget,
    UploadTicket,
)
from kb.files.repository import FileRepository
from kb.files.uploads import UploadKey, UploadStore
from kb.ids import iso_now, new_id, to_iso, utcnow
from kb.items.models import MAX_ID_CHARS, UpsertItemRequest
from kb.sources.models import Source
from kb.sources.service import require_active
from kb.webhooks.events import EventPublisher, new_event

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")
_FILE_ID = re.compile(r"file_[0-9a-f]{19}")


def derive_external_item_id(filename: str) -> str:
    """The file name without any directories a client sent along (`C:\\docs\\a.pdf`, `docs/a.pdf`
    -> `a.pdf`), NFC-normalized, control characters dropped, at most 250 characters; "file" when
    nothing is left. The extension stays: `guide.pdf` and `guide.docx` are two items."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", filename)[-1])
    base = _UNSAFE.sub("", base).strip()[:MAX_ID_CHARS]
    return "file" if base in ("", ".", "..") else base


def _require_utf8(field: str, text: str) -> None:
    """Stored as it is: no lone surrogates (JSON can carry them; DynamoDB cannot)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValidationFailed(f"{field}: must be valid Unicode (no lone surrogates)") from None


def _check_item_fields(external_item_id: str, title: str | None, tags: list[str], metadata: dict[str, Any]) -> None:
    """The item's own limits, checked now rather than after the upload (content comes later)."""
    try:
        UpsertItemRequest.model_validate(
            {
                "externalItemId": external_item_id,
                "title": title or "",
                "content": "-",
                "tags": tags,
                "metadata": metadata,
            }
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise ValidationFailed(f"{field}: {first['msg']}") from error


def _new_record(
    source: Source,
    filename: str,
    size: int,
    content_type: str | None,
    external_item_id: str | None,
    title: str | None,
    tags: list[str],
    metadata: dict[str, Any],
    upload: str,
) -> FileRecord:
    require_active(source)
    _require_utf8("filename", filename)
    _require_utf8("contentType", content_type or "")
    item_id = derive_external_item_id(filename) if external_item_id is None else external_item_id
    _check_item_fields(item_id, title, tags, metadata)
    now = iso_now()
    return FileRecord(
        id=new_id("file"),
        tenant_id=source.tenant_id,
        source_id=source.id,
        external_item_id=item_id,
        filename=filename,
        content_type=content_type,
        size=size,
        title=title,
        tags=tags,
        metadata=metadata,
        upload=upload,
        status="awaiting_upload",
        created_at=now,
        updated_at=now,
    )


def accept_multipart(
    files: FileRepository,
    uploads: UploadStore,
    events: EventPublisher,
    source: Source,
    filename: str,
    content_type: str | None,
    data: bytes,
    fields: dict[str, Any],
) -> FileRecord:
    """Record the file, then store its bytes: the bucket's notification starts processing, and
    finds the record already there."""
    if len(data) > MAX_MULTIPART_BYTES:
        raise PayloadTooLarge(
            f"A file sent through the API is at most {MAX_MULTIPART_BYTES // (1024 * 1024)} MiB; "
            "larger ones go through POST /v1/sources/{sourceId}/files/uploads."
        )
    record = _new_record(source, filename, len(data), content_type, upload="multipart", **fields)
    files.create(record)
    uploads.put(UploadKey(source.tenant_id, source.id, record.id), data, content_type)
    now = iso_now()
    if files.mark_uploaded(record, now):
        events.publish(source.tenant_id, [uploaded_event(record)])
        return record.model_copy(update={"status": "uploaded", "updated_at": now})
    return get_file(files, source, record.id)  # processing already took it


def create_upload(
    files: FileRepository, uploads: UploadStore, source: Source, request: CreateUploadRequest
) -> UploadTicket:
    fields = request.model_dump(exclude={"filename", "size", "content_type"})
    record = _new_record(source, request.filename, request.size, request.content_type, upload="presigned", **fields)
    files.create(record)
    url, form = uploads.presigned_post(
        UploadKey(source.tenant_id, source.id, record.id), record.size, UPLOAD_URL_SECONDS
    )
    expires_at = to_iso(utcnow() + timedelta(seconds=UPLOAD_URL_SECONDS))
    return UploadTicket(file=record, upload=UploadTarget(url=url, fields=form, expires_at=expires_at))


def get_file(files: FileRepository, source: Source, file_id: str) -> FileRecord:
    # An id we never made is not looked up (nor is one too long to be a key).
    record = files.get(source.id, file_id) if _FILE_ID.fullmatch(file_id) else None
    if record is None or record.tenant_id != source.tenant_id:
        raise NotFound(f"File {file_id} was not found.")
    return record


def list_files(files: FileRepository, source: Source, limit: int, cursor: str | None) -> FilePage:
    records, next_cursor = files.page(source.tenant_id, source.id, limit, cursor)
    return FilePage(files=records, next_cursor=next_cursor)


def file_event_data(record: FileRecord) -> dict[str, Any]:
    return {
        "sourceId": record.source_id,
        "fileId": record.id,
        "externalItemId": record.external_item_id,
        "filename": record.filename,
        "size": record.size,
    }


def uploaded_event(record: FileRecord) -> Any:
    return new_event("file.uploaded", file_event_data(record))
