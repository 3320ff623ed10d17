"""Bulk imports: create (a presigned upload URL), start (a state machine reads the object slice
by slice), progress, cancel. Upsert mode stages each slice through the batch path; snapshot mode
sends each slice into a snapshot and commits it at the end (same guards as the snapshot API:
one open snapshot per source, the mass-deletion threshold)."""

import contextlib
import json
from datetime import timedelta
from typing import Any

from kb.blobs import BlobStore
from kb.errors import ImportClosed, MassDeletion, NotFound, PayloadTooLarge, SnapshotClosed, UploadMissing
from kb.ids import iso_now, new_id, to_iso, utcnow
from kb.imports.lines import Line, cut
from kb.imports.models import (
    MAX_IMPORT_BYTES,
    MAX_KEPT_REJECTIONS,
    MAX_LINE_BYTES,
    UPLOAD_URL_SECONDS,
    CreateImportRequest,
    ImportCounts,
    ImportEnvelope,
    ImportJob,
    ImportPage,
    ImportProgress,
    ImportTask,
    Rejection,
    Upload,
)
from kb.imports.repository import ImportConflict, ImportRepository, import_object_key
from kb.items.batch import stage_many
from kb.items.models import MAX_BATCH_OPERATIONS, UpsertItemRequest
from kb.items.repository import ItemRepository
from kb.items.service import upsert_decision, validate_items
from kb.snapshots.repository import SnapshotRepository
from kb.snapshots.service import abort_snapshot, begin_snapshot, commit_snapshot
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import require_active
from kb.webhooks.events import EventPublisher, new_event
from kb.workflows import Workflows


class LineTooLong(Exception):
    """A line longer than MAX_LINE_BYTES: the import fails there (error code line_too_long)."""


def create_import(
    imports: ImportRepository, blobs: BlobStore, source: Source, request: CreateImportRequest
) -> ImportEnvelope:
    require_active(source)
    import_id = new_id("imp")
    job = ImportJob(
        id=import_id,
        source_id=source.id,
        tenant_id=source.tenant_id,
        mode=request.mode,
        allow_mass_deletion=request.allow_mass_deletion,
        status="created",
        created_at=iso_now(),
        object_key=import_object_key(source.tenant_id, source.id, import_id),
    )
    imports.create(job)
    expires = to_iso(utcnow() + timedelta(seconds=UPLOAD_URL_SECONDS))
    upload = Upload(url=blobs.upload_url(job.object_key, UPLOAD_URL_SECONDS), expires_at=expires)
    return ImportEnvelope(import_=job, upload=upload)


def get_import(imports: ImportRepository, source: Source, import_id: str) -> ImportJob:
    job = imports.get(source.id, import_id)
    if job is None or job.tenant_id != source.tenant_id:
        raise NotFound(f"Import {import_id} was not found.")
    return job


def list_imports(imports: ImportRepository, source: Source, limit: int, cursor: str | None) -> ImportPage:
    page, next_cursor = imports.page(source.tenant_id, source.id, limit, cursor)
    return ImportPage(imports=page, next_cursor=next_cursor)


def start_import(
    imports: ImportRepository,
    snapshots: SnapshotRepository,
    sources: SourceRepository,
    blobs: BlobStore,
    workflows: Workflows,
    events: EventPublisher,
    state_machine_arn: str,
    source: Source,
    import_id: str,
) -> ImportJob:
    """created -> running, once the file is there; a started import is returned as it is."""
    require_active(source)
    job = get_import(imports, source, import_id)
    if job.status == "running":
        return job
    if job.status != "created":
        raise ImportClosed(f"Import {import_id} is {job.status}; create another one.")
    size = blobs.size(job.object_key)
    if size is None:
        raise UploadMissing(f"Nothing was uploaded for import {import_id}: PUT the file to its upload URL first.")
    if size > MAX_IMPORT_BYTES:
        raise PayloadTooLarge(f"The file has {size} bytes; an import reads at most {MAX_IMPORT_BYTES}.")
    snapshot = begin_snapshot(snapshots, sources, source) if job.mode == "snapshot" else None
    running = job.model_copy(
        update={
            "status": "running",
            "started_at": iso_now(),
            "snapshot_id": snapshot.id if snapshot else None,
            "progress": ImportProgress(bytes_total=size),
        }
    )
    try:
        imports.replace(running, ("created",))
        task = ImportTask(tenant_id=job.tenant_id, source_id=job.source_id, import_id=job.id)
        workflows.start(state_machine_arn, job.id, task.to_json_dict())
    except Exception as error:
        if snapshot is not None:
            with contextlib.suppress(SnapshotClosed):
                abort_snapshot(snapshots, sources, source, snapshot.id)
        if isinstance(error, ImportConflict):
            current = get_import(imports, source, import_id)
            if current.status == "running":
                return current
            raise ImportClosed(f"Import {import_id} is {current.status}.") from error
        _settle(imports, running, "failed", error="The import could not be started.", error_code="import_failed")
        raise
    events.publish(job.tenant_id, [new_event("import.started", _event_data(running))])
    return running


def cancel_import(
    imports: ImportRepository,
    snapshots: SnapshotRepository,
    sources: SourceRepository,
    blobs: BlobStore,
    events: EventPublisher,
    source: Source,
    import_id: str,
) -> ImportJob:
    """A snapshot import's snapshot is aborted (nothing goes missing); an upsert import keeps what
    it staged. The slice being read when the cancel lands is not counted (it may be staged)."""
    for _ in range(3):
        job = get_import(imports, source, import_id)
        if job.status == "cancelled":
            return job
        if job.status not in ("created", "running"):
            raise ImportClosed(f"Import {import_id} is {job.status}; it cannot be cancelled.")
        cancelled = job.model_copy(update={"status": "cancelled", "completed_at": iso_now()})
        try:
            imports.replace(cancelled, ("created", "running"), bytes_read=job.progress.bytes_read)
        except ImportConflict:
            continue  # a slice was counted meanwhile: decide again on the newer record
        if cancelled.snapshot_id:
            with contextlib.suppress(SnapshotClosed):
                abort_snapshot(snapshots, sources, source, cancelled.snapshot_id)
        if job.status == "created":  # no state machine will clean up after it
            blobs.delete([job.object_key])
        events.publish(job.tenant_id, [new_event("import.cancelled", _event_data(cancelled))])
        return cancelled
    raise RuntimeError(f"import {import_id} kept changing while it was cancelled")


class SliceReader:
    """The ReadSlice task: one slice of the object into the staging set (or the snapshot), then
    the progress, on the condition that the import is still running and has read exactly up to
    where this slice starts."""

    def __init__(
        self,
        imports: ImportRepository,
        snapshots: SnapshotRepository,
        sources: SourceRepository,
        items: ItemRepository,
        blobs: BlobStore,
        slice_bytes: int,
    ) -> None:
        self.imports, self.snapshots, self.sources, self.items = imports, snapshots, sources, items
        self.blobs = blobs
        self.slice_bytes = slice_bytes

    def read(self, task: ImportTask) -> ImportTask:
        job = self.imports.get(task.source_id, task.import_id)
        if job is None or job.status != "running":
            return task.model_copy(update={"cancelled": True})
        if job.progress.bytes_read != task.offset:  # a retried slice whose first attempt counted
            return _task_of(task, job)
        total = job.progress.bytes_total
        if task.offset >= total:
            return task.model_copy(update={"done": True})
        chunk = self._chunk(job.object_key, task.offset, total, task.line)
        first, last = task.offset == 0, task.offset + chunk.consumed >= total
        rejections, accepted = self._parse(task.import_id, chunk.lines, first, last)
        source = require_active(self.sources.get(task.tenant_id, task.source_id) or _gone(task))
        if not self._still_running(task):
            return task.model_copy(update={"cancelled": True})
        counts = self._write(job, source, accepted)
        progress = job.progress.model_copy(
            update={
                "bytes_read": task.offset + chunk.consumed,
                "lines_read": job.progress.lines_read + chunk.read,
                "accepted": job.progress.accepted + len(accepted),
                "rejected": job.progress.rejected + len(rejections),
            }
        )
        kept = job.rejections + rejections[: max(0, MAX_KEPT_REJECTIONS - len(job.rejections))]
        summed = ImportCounts(**{k: getattr(job.counts, k) + counts.get(k, 0) for k in ImportCounts.model_fields})
        updated = job.model_copy(update={"progress": progress, "rejections": kept, "counts": summed})
        try:
            self.imports.replace(updated, ("running",), bytes_read=task.offset)
        except ImportConflict:
            current = self.imports.get(task.source_id, task.import_id)
            if current is None or current.status != "running":
                return task.model_copy(update={"cancelled": True})
            return _task_of(task, current)
        return _task_of(task, updated)

    def _chunk(self, key: str, offset: int, total: int, first_line: int) -> Any:
        size = self.slice_bytes
        while True:
            end = min(total, offset + size)
            chunk = cut(self.blobs.get_range(key, offset, end), first_line, at_end=end == total, at_start=offset == 0)
            if chunk.consumed or end == total:
                return chunk
            if size >= MAX_LINE_BYTES:
                raise LineTooLong(f"Line {first_line} is longer than {MAX_LINE_BYTES} bytes.")
            size = min(size * 2, MAX_LINE_BYTES)

    def _parse(
        self, import_id: str, lines: list[Line], first: bool, last: bool
    ) -> tuple[list[Rejection], list[tuple[int, UpsertItemRequest]]]:
        """Valid, and not an id an earlier line named: the first slice has no earlier slice to
        ask about, and the last slice's ids no later slice will ask about."""
        rejections: list[Rejection] = []
        parsed: list[tuple[int, UpsertItemRequest]] = []
        first_in_slice: dict[str, int] = {}
        for line in lines:
            try:
                raw = json.loads(line.text.decode())
            except (UnicodeDecodeError, ValueError) as error:
                rejections.append(Rejection(line=line.number, code="invalid_json", reason=str(error)[:500]))
                continue
            if not isinstance(raw, dict):
                rejections.append(Rejection(line=line.number, code="invalid_item", reason="a line must be an object"))
                continue
            request = validate_items([raw])[0]
            if isinstance(request, str):
                rejections.append(Rejection(line=line.number, code="invalid_item", reason=request[:500]))
                continue
            if request.external_item_id in first_in_slice:
                rejections.append(_duplicate(line.number, first_in_slice[request.external_item_id]))
                continue
            first_in_slice[request.external_item_id] = line.number
            parsed.append((line.number, request))
        seen = {} if first else self.imports.seen(import_id, list(first_in_slice))
        accepted: list[tuple[int, UpsertItemRequest]] = []
        for number, request in parsed:
            earlier = seen.get(request.external_item_id)
            if earlier is not None and earlier != number:  # the same line again is this slice retried
                rejections.append(_duplicate(number, earlier))
            else:
                accepted.append((number, request))
        if not last:
            self.imports.mark_seen(import_id, {r.external_item_id: n for n, r in accepted})
        rejections.sort(key=lambda r: r.line)
        return rejections, accepted

    def _still_running(self, task: ImportTask) -> bool:
        job = self.imports.get(task.source_id, task.import_id)
        return job is not None and job.status == "running"

    def _write(self, job: ImportJob, source: Source, accepted: list[tuple[int, UpsertItemRequest]]) -> dict[str, int]:
        requests = [request for _, request in accepted]
        if job.mode == "snapshot":
            snapshot = self.snapshots.get(source.id, job.snapshot_id or "")
            if snapshot is None or snapshot.status != "open":
                raise SnapshotClosed(f"The snapshot of import {job.id} is no longer open.")
            self.snapshots.add_items(snapshot, requests)
            return {}
        staged = []
        for start in range(0, len(requests), MAX_BATCH_OPERATIONS):  # the batch path, batch by batch
            batch = requests[start : start + MAX_BATCH_OPERATIONS]
            decisions = [(r.external_item_id, upsert_decision(source, r)) for r in batch]
            staged += stage_many(self.items, self.sources, source, decisions)
        failed = [s for s in staged if s.outcome == "failed"]
        if failed:  # the slice is retried whole by the state machine (what was written is unchanged then)
            raise RuntimeError(f"staging {len(failed)} items of the slice failed")
        outcomes = [s.outcome for s in staged]
        return {name: outcomes.count(name) for name in ("created", "updated", "unchanged", "restored")}


def finish_import(
    imports: ImportRepository,
    snapshots: SnapshotRepository,
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    events: EventPublisher,
    task: ImportTask,
    failure: dict[str, Any] | None = None,
) -> ImportJob:
    """The state machine's last task: commit the snapshot (snapshot mode) and settle the import,
    or record its failure; then drop what only the import needed (seen ids, the object)."""
    job = imports.get(task.source_id, task.import_id)
    if job is None:
        raise RuntimeError(f"import {task.import_id} is gone")
    source = sources.get(task.tenant_id, task.source_id)
    try:
        if job.status != "running":  # cancelled (its snapshot aborted by the cancel) or already settled
            snapshot = snapshots.get(job.source_id, job.snapshot_id) if job.snapshot_id else None
            if snapshot is not None and snapshot.status == "aborted":
                snapshots.delete_items(snapshot)  # what a slice in flight added after the abort
            return job
        if failure is not None:
            code, message = _failure(failure)
            return _fail(imports, snapshots, sources, events, source, job, code, message)
        if job.mode == "snapshot" and source is not None:
            try:
                committed = commit_snapshot(
                    snapshots, sources, items, source, job.snapshot_id or "", job.allow_mass_deletion
                )
            except MassDeletion as error:
                return _fail(imports, snapshots, sources, events, source, job, "mass_deletion", error.message)
            except SnapshotClosed:
                current = imports.get(task.source_id, task.import_id)
                if current is not None and current.status == "cancelled":
                    return current
                raise
            counts = committed.counts.to_json_dict() if committed.counts else {}
            job = job.model_copy(update={"counts": ImportCounts.model_validate(counts)})
        done = _settle(imports, job, "succeeded")
        if done.status == "succeeded":
            events.publish(job.tenant_id, [new_event("import.completed", _event_data(done))])
        return done
    finally:
        imports.forget_seen(job.id)
        blobs.delete([job.object_key])


def _fail(
    imports: ImportRepository,
    snapshots: SnapshotRepository,
    sources: SourceRepository,
    events: EventPublisher,
    source: Source | None,
    job: ImportJob,
    code: str,
    message: str,
) -> ImportJob:
    if job.snapshot_id and source is not None:  # nothing goes missing
        with contextlib.suppress(SnapshotClosed):
            abort_snapshot(snapshots, sources, source, job.snapshot_id)
    failed = _settle(imports, job, "failed", error=message, error_code=code)
    if failed.status == "failed":
        events.publish(job.tenant_id, [new_event("import.failed", _event_data(failed))])
    return failed


def _settle(imports: ImportRepository, job: ImportJob, status: str, **fields: Any) -> ImportJob:
    """running -> a final status; a cancel that landed first wins (the stored import is returned)."""
    settled = job.model_copy(update={"status": status, "completed_at": iso_now(), **fields})
    try:
        imports.replace(settled, ("running", "created"))
    except ImportConflict:
        return imports.get(job.source_id, job.id) or job
    return settled


def _failure(failure: dict[str, Any]) -> tuple[str, str]:
    """Step Functions' Catch output: Error (the exception's class) and Cause (Lambda's JSON)."""
    try:
        message = str(json.loads(failure.get("Cause") or "{}").get("errorMessage", ""))
    except ValueError:
        message = ""
    if failure.get("Error") == "LineTooLong":
        return "line_too_long", message
    if failure.get("Error") == "SourceInactive":
        return "source_inactive", message
    return "import_failed", "Reading the file failed; start a new import to try again."


def _task_of(task: ImportTask, job: ImportJob) -> ImportTask:
    read = job.progress.bytes_read
    return task.model_copy(
        update={"offset": read, "line": job.progress.lines_read + 1, "done": read >= job.progress.bytes_total}
    )


def _duplicate(line: int, first: int) -> Rejection:
    return Rejection(line=line, code="duplicate_id", reason=f"externalItemId was already given on line {first}")


def _gone(task: ImportTask) -> Source:
    raise NotFound(f"Source {task.source_id} was not found.")


def _event_data(job: ImportJob) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sourceId": job.source_id,
        "importId": job.id,
        "mode": job.mode,
        "status": job.status,
        "progress": job.progress.to_json_dict(),
        "counts": job.counts.to_json_dict(),
    }
    if job.error_code:
        data |= {"errorCode": job.error_code, "error": job.error}
    return data
