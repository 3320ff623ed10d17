"""Uploaded files in-process: the file record's guarded transitions, the order of two uploads to
one item, and the processor from an S3 notification to a written item."""

import json
import threading
from typing import Any

import boto3
import pytest

from kb.files.extract import extract
from kb.files.pipeline import FileProcessor
from kb.files.records import FileError, FileRecord, FileResult
from kb.files.repository import FileRepository, ItemBusy, NotClaimed, Superseded
from kb.files.service import derive_external_item_id
from kb.files.uploads import UploadKey, UploadStore
from kb.ids import iso_now, new_id
from kb.items.service import get_item
from kb.webhooks.models import Event
from local.cfn import load_template
from local.deploy import notification_configuration
from tests.helpers import ROOT

EARLY, LATER, LATEST = "2026-01-01T00:00:00.000Z", "2026-01-01T00:10:00.000Z", "2026-01-01T00:20:00.000Z"


class Events:
    """Records what would go onto the events queue."""

    def __init__(self) -> None:
        self.sent: list[Event] = []
        self._lock = threading.Lock()

    def publish(self, tenant_id: str, events: list[Event], webhook_id: str | None = None) -> None:
        with self._lock:
            self.sent.extend(events)

    def types(self) -> list[str]:
        return [e.type for e in self.sent]


@pytest.fixture
def files(store) -> FileRepository:
    return FileRepository(store.table)


@pytest.fixture
def uploads(store) -> UploadStore:
    return UploadStore(store.s3, "uploadsbucket")


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def processor(files, sources, items, uploads, events) -> FileProcessor:
    return FileProcessor(files, sources, items, uploads, events, extract)


def _record(source, external_item_id: str = "guide.txt", status: str = "awaiting_upload") -> FileRecord:
    now = iso_now()
    return FileRecord(
        id=new_id("file"),
        tenant_id=source.tenant_id,
        source_id=source.id,
        external_item_id=external_item_id,
        filename=external_item_id,
        size=1,
        upload="presigned",
        status=status,
        created_at=now,
        updated_at=now,
    )


def _uploaded(files, uploads, source, data: bytes, external_item_id: str = "guide.txt") -> FileRecord:
    record = _record(source, external_item_id)
    files.create(record)
    uploads.put(UploadKey(source.tenant_id, source.id, record.id), data, "text/plain")
    return record


def _notification(record: FileRecord, size: int = 1) -> str:
    """The body S3 sends to the queue for an ObjectCreated event (the key URL-encoded)."""
    key = f"files/{record.tenant_id}/{record.source_id}/{record.id}"
    return json.dumps({"Records": [{"eventName": "ObjectCreated:Post", "s3": {"object": {"key": key, "size": size}}}]})


def test_a_duplicate_notification_does_not_take_a_file_another_message_holds(files, source):
    # Given a file taken by the message of the first notification
    record = _record(source)
    files.create(record)
    assert files.claim(record, "message-1", iso_now()) == "awaiting_upload"
    # When a second notification of the same object arrives, Then it changes nothing
    with pytest.raises(NotClaimed):
        files.claim(record, "message-2", iso_now())
    # But a redelivery of the first message (its invocation died) takes it again
    assert files.claim(record, "message-1", iso_now()) == "processing"


def test_a_completed_file_never_goes_back(files, source):
    # Given a completed file
    record = _record(source)
    files.create(record)
    files.claim(record, "message-1", iso_now())
    assert files.complete(record, "message-1", FileResult(characters=3, chunks=1, outcome="created"), iso_now())
    # When any message tries to take it, fail it or complete it again
    with pytest.raises(NotClaimed):
        files.claim(record, "message-1", iso_now())
    assert not files.fail(record, "message-1", FileError(code="file_corrupt", message="x"), iso_now())
    assert not files.complete(record, "message-2", FileResult(characters=0, chunks=0, outcome="created"), iso_now())
    # Then it stays completed with its result
    stored = files.get(source.id, record.id)
    assert stored is not None and stored.status == "completed" and stored.result and stored.result.characters == 3


def test_only_the_claiming_message_finishes_a_file(files, source):
    record = _record(source)
    files.create(record)
    files.claim(record, "message-1", iso_now())
    assert not files.fail(record, "message-2", FileError(code="file_corrupt", message="x"), iso_now())
    assert files.fail(record, "message-1", FileError(code="file_corrupt", message="x"), iso_now())


def test_mark_uploaded_does_not_overtake_processing(files, source):
    # Given a multipart upload whose notification was processed before the API marked it uploaded
    record = _record(source)
    files.create(record)
    files.claim(record, "message-1", iso_now())
    # When the API marks it uploaded, Then nothing changes
    assert not files.mark_uploaded(record, iso_now())
    assert files.get(source.id, record.id).status == "processing"


def test_the_newer_upload_wins_an_item_whatever_order_they_finish(files, source):
    older, newer = "file_00000000001aaaaaaaa", "file_00000000002aaaaaaaa"
    # Given the older upload writing the item
    files.hold_item(source.id, "guide.txt", older, EARLY, LATER)
    # When the newer one comes while it writes, Then it waits (is tried again later)
    with pytest.raises(ItemBusy):
        files.hold_item(source.id, "guide.txt", newer, EARLY, LATER)
    files.release_item(source.id, "guide.txt", older)
    files.hold_item(source.id, "guide.txt", newer, EARLY, LATER)
    files.release_item(source.id, "guide.txt", newer)
    # And an older upload processed after the newer one is superseded, not written
    with pytest.raises(Superseded) as superseded:
        files.hold_item(source.id, "guide.txt", older, EARLY, LATER)
    assert superseded.value.newer_file_id == newer


def test_a_holder_that_died_is_replaced_after_its_lease(files, source):
    files.hold_item(source.id, "guide.txt", "file_00000000001aaaaaaaa", EARLY, LATER)
    with pytest.raises(ItemBusy):
        files.hold_item(source.id, "guide.txt", "file_00000000002aaaaaaaa", EARLY, LATER)
    files.hold_item(source.id, "guide.txt", "file_00000000002aaaaaaaa", LATEST, "2026-01-01T00:30:00.000Z")


def test_a_text_file_becomes_an_item_and_the_file_completes(processor, files, uploads, items, source, events):
    # Given a presigned upload whose bytes arrived
    text = "Refunds take 14 days. " * 100
    stored_text = text.strip()  # extraction trims the trailing space
    record = _uploaded(files, uploads, source, text.encode())
    # When its notification is processed
    processor.process_message(_notification(record, len(text)), "message-1")
    # Then the file completed with what it made, and the item holds the text
    done = files.get(source.id, record.id)
    assert done is not None and done.status == "completed" and done.result is not None
    assert (done.result.characters, done.result.outcome, done.result.pages) == (len(stored_text), "created", None)
    assert done.result.chunks == 3  # "guide.txt\n\n" + 2,199 characters, cut at 1,000 with 100 of overlap
    assert get_item(items, source, "guide.txt").content == stored_text
    assert events.types() == ["file.uploaded", "file.processed"]
    assert events.sent[1].data["chunks"] == 3


def test_a_duplicate_notification_processes_nothing_twice(processor, files, uploads, source, events):
    record = _uploaded(files, uploads, source, b"Refunds take 14 days.")
    processor.process_message(_notification(record), "message-1")
    processor.process_message(_notification(record), "message-2")
    assert events.types() == ["file.uploaded", "file.processed"]


def test_an_empty_file_fails_with_its_reason(processor, files, uploads, source, events):
    record = _uploaded(files, uploads, source, b"")
    processor.process_message(_notification(record), "message-1")
    failed = files.get(source.id, record.id)
    assert failed is not None and failed.status == "failed" and failed.error is not None
    assert failed.error.code == "file_empty"
    assert events.types() == ["file.uploaded", "file.failed"]
    assert events.sent[1].data["error"]["code"] == "file_empty"


def test_s3_test_events_and_foreign_keys_are_ignored(processor, events):
    processor.process_message(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"}), "m")
    other = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "elsewhere/x", "size": 1}}}]}
    processor.process_message(json.dumps(other), "m")
    assert events.sent == []


def test_two_uploads_to_one_item_processed_at_once_leave_the_newer(processor, files, uploads, items, source):
    # Given two uploads to the same item, the second one newer, processed concurrently, 10 times
    for round_ in range(10):
        older = _uploaded(files, uploads, source, f"old {round_}".encode(), "race.txt")
        newer = _uploaded(files, uploads, source, f"new {round_}".encode(), "race.txt")
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def process(
            record: FileRecord, message: str, barrier: threading.Barrier = barrier, errors: list = errors
        ) -> None:
            barrier.wait()
            for _ in range(200):  # ItemBusy: the queue would bring the message back
                try:
                    processor.process_message(_notification(record), message)
                    return
                except ItemBusy:
                    continue
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                    return

        threads = [threading.Thread(target=process, args=(r, f"m-{r.id}")) for r in (older, newer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Then the item holds the newer upload, and the older one either completed first or was superseded
        assert errors == []
        assert get_item(items, source, "race.txt").content == f"new {round_}"
        outcome: Any = files.get(source.id, older.id)
        assert outcome.status == "completed" or outcome.error.code == "file_superseded"
        assert files.get(source.id, newer.id).status == "completed"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("handbook.pdf", "handbook.pdf"),
        ("C:\\docs\\handbook.pdf", "handbook.pdf"),
        ("docs/2026/handbook.md", "handbook.md"),
        ("bad\x00name\n.txt", "badname.txt"),
        ("..", "file"),
        ("x" * 300 + ".txt", "x" * 250),
    ],
)
def test_an_item_id_derived_from_a_file_name(filename, expected):
    assert derive_external_item_id(filename) == expected


def test_the_buckets_own_notification_reaches_the_processor(processor, files, uploads, store, source, events):
    # Given the uploads bucket notifying a queue as template.yaml configures it (moto delivers it)
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue_url = sqs.create_queue(QueueName="files")["QueueUrl"]
    cfn = load_template(ROOT / "template.yaml")["Resources"]["UploadsBucket"]["Properties"]["NotificationConfiguration"]
    cfn["QueueConfigurations"][0]["Queue"] = "arn:aws:sqs:us-east-1:123456789012:files"
    store.s3.put_bucket_notification_configuration(
        Bucket="uploadsbucket", NotificationConfiguration=notification_configuration(cfn)
    )
    # When a file's bytes land and the queue's message is handed to the processor
    record = _uploaded(files, uploads, source, b"Refunds take 14 days.")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    for message in messages:
        processor.process_message(message["Body"], message["MessageId"])
    # Then the file completed (S3's test event, if any, was skipped)
    assert files.get(source.id, record.id).status == "completed"
    assert events.types() == ["file.uploaded", "file.processed"]
