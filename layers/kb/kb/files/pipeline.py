"""Processing an uploaded file, fed by the uploads bucket's notifications (S3 -> SQS): claim it,
read it, extract its text, write it as an item of its source, record the outcome, announce it.

A file that cannot be read fails alone, with its reason (the message is done). Anything else
(storage unavailable, a timeout) raises: the message comes back and the same message may take the
file again; after the queue's receive limit it goes to the dead-letter queue."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pydantic import ValidationError

from kb.errors import SourceInactive
from kb.files.models import ExtractedDocument, ExtractionError
from kb.files.records import FILE_MISSING, FILE_SUPERSEDED, MAX_UPLOAD_BYTES, FileError, FileRecord, FileResult
from kb.files.repository import FileRepository, NotClaimed, Superseded
from kb.files.service import file_event_data, uploaded_event
from kb.files.uploads import ObjectMissing, UploadKey, UploadStore
from kb.generations.chunking import chunk_text
from kb.ids import iso_now, to_iso, utcnow
from kb.items.models import UpsertItemRequest
from kb.items.repository import ItemRepository
from kb.items.service import upsert_item
from kb.observability import count, logger
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.webhooks.events import EventPublisher, new_event

Extract = Callable[[bytes, str, str | None], ExtractedDocument]
# Longer than one invocation may run (ProcessFileFunction's timeout, 300 s): a holder past it has
# died. Not much longer: a newer upload waiting on a dead holder goes to the DLQ after 5 receives.
ITEM_HOLD_SECONDS = 330


class FileFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.error = FileError(code=code, message=message)


def object_keys(body: str) -> list[tuple[str, int]]:
    """The (key, size) of each object an S3 notification names; none for S3's test event."""
    message = json.loads(body)
    return [
        (r["s3"]["object"]["key"], int(r["s3"]["object"].get("size", 0)))
        for r in message.get("Records", [])
        if str(r.get("eventName", "")).startswith("ObjectCreated")
    ]


@dataclass
class FileProcessor:
    files: FileRepository
    sources: SourceRepository
    items: ItemRepository
    uploads: UploadStore
    events: EventPublisher
    extract: Extract

    def process_message(self, body: str, message_id: str) -> None:
        for key, size in object_keys(body):
            upload_key = UploadKey.parse(key)
            if upload_key is None:
                logger.warning("an object outside files/ was announced", extra={"key": key})
                continue
            self.process(upload_key, size, message_id)

    def process(self, key: UploadKey, size: int, message_id: str) -> None:
        source = self.sources.get(key.tenant_id, key.source_id)
        record = self.files.get(key.source_id, key.file_id) if source else None
        if source is None or record is None or record.tenant_id != key.tenant_id:
            logger.warning("an upload without its file record", extra={"key": str(key)})
            return
        try:
            previous = self.files.claim(record, message_id, iso_now())
        except NotClaimed:
            logger.info("file already taken or done", extra={"fileId": record.id, "status": record.status})
            count("FileDuplicateNotifications")
            return
        if previous == "awaiting_upload":  # a presigned upload: nobody announced it yet
            self.events.publish(source.tenant_id, [uploaded_event(record)])
        try:
            result = self._write(source, record, key, size)
        except FileFailed as failed:
            self._fail(source, record, message_id, failed.error)
            return
        if self.files.complete(record, message_id, result, iso_now()):
            count("FilesCompleted")
            data = {**file_event_data(record), **result.to_json_dict()}
            self.events.publish(source.tenant_id, [new_event("file.processed", data)])

    def _write(self, source: Source, record: FileRecord, key: UploadKey, size: int) -> FileResult:
        if size > MAX_UPLOAD_BYTES:
            raise FileFailed("file_too_large", f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.")
        try:
            data = self.uploads.read(key)
        except ObjectMissing:
            raise FileFailed(FILE_MISSING, "The uploaded object is gone.") from None
        try:
            document = self.extract(data, record.filename, record.content_type)
        except ExtractionError as error:
            raise FileFailed(error.reason, str(error)) from None
        if not document.text.strip():
            raise FileFailed("file_empty", "No text was found in the file.")
        try:
            request = UpsertItemRequest(
                external_item_id=record.external_item_id,
                title=(record.title or document.title or record.filename)[:1000],
                content=document.text,
                tags=record.tags,
                metadata=record.metadata,
            )
        except ValidationError as error:
            raise FileFailed(
                "file_unreadable", f"The extracted text cannot be stored: {error.errors()[0]['msg']}"
            ) from None
        until = to_iso(utcnow() + timedelta(seconds=ITEM_HOLD_SECONDS))
        try:
            self.files.hold_item(source.id, record.external_item_id, record.id, iso_now(), until)
        except Superseded as newer:
            raise FileFailed(
                FILE_SUPERSEDED,
                f"A newer upload to {record.external_item_id} ({newer.newer_file_id}) is what the item holds.",
            ) from None
        try:
            written = upsert_item(self.items, self.sources, source, request, sections=document.sections)
        except SourceInactive as error:
            raise FileFailed("source_inactive", str(error)) from None
        finally:
            self.files.release_item(source.id, record.external_item_id, record.id)
        text = f"{request.title}\n\n{request.content}" if request.title else request.content
        return FileResult(
            pages=document.pages,
            characters=len(document.text),
            chunks=len(chunk_text(text, source.chunking.size, source.chunking.overlap)),
            outcome=written.outcome,
        )

    def _fail(self, source: Source, record: FileRecord, message_id: str, error: FileError) -> None:
        if self.files.fail(record, message_id, error, iso_now()):
            count("FilesFailed")
            logger.info("file failed", extra={"fileId": record.id, "code": error.code})
            data = {**file_event_data(record), "error": error.to_json_dict()}
            self.events.publish(source.tenant_id, [new_event("file.failed", data)])
