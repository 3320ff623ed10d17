"""The storage sweep: offloaded content (`content/`) and snapshot uploads (`snapshots/`) that no
record names any more. Each is one object per write, so one that no item record names and no open
snapshot owns is nobody's. A write puts its object before the record that names it, so only
objects older than SWEEP_MIN_AGE go: no write takes a day, so an in-flight write's object is
never taken. Chunk documents are content addressed and left to retention (docs/operations.md)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kb.blobs import BlobStore, source_prefix
from kb.composition import Clock
from kb.items.repository import ItemRepository
from kb.lifecycle.models import SweepTask, SweptKind
from kb.snapshots.repository import SnapshotRepository

SWEEP_MIN_AGE = timedelta(days=1)
SWEPT_KINDS: tuple[SweptKind, ...] = ("content", "snapshots")
# Listing pages (of up to 1,000 keys) one step of a source reads before it hands on a cursor.
PAGES_PER_STEP = 5
_OPEN_SNAPSHOT = ("open", "committing")


@dataclass
class StepResult:
    deleted: list[str] = field(default_factory=list)
    follow_ups: list[SweepTask] = field(default_factory=list)


def sweep_step(
    task: SweepTask,
    blobs: BlobStore,
    items: ItemRepository,
    snapshots: SnapshotRepository,
    clock_of: Callable[[str], Clock],
    pages: int = PAGES_PER_STEP,
    page_size: int = 1000,
) -> StepResult:
    if task.tenant_id is None:
        return _walk(blobs, "tenants/", task, page_size, lambda tenant: [SweepTask(tenant_id=tenant)])
    if task.source_id is None or task.kind is None:
        tenant = task.tenant_id
        return _walk(
            blobs,
            f"tenants/{tenant}/sources/",
            task,
            page_size,
            lambda source: [SweepTask(tenant_id=tenant, source_id=source, kind=kind) for kind in SWEPT_KINDS],
        )
    return sweep_source(task, blobs, items, snapshots, clock_of(task.source_id), pages, page_size)


def _walk(
    blobs: BlobStore, prefix: str, task: SweepTask, page_size: int, spawn: Callable[[str], list[SweepTask]]
) -> StepResult:
    """One page of the names below `prefix` (tenants, or a tenant's sources), each a task of its own."""
    page = blobs.list_page(prefix, task.token, delimiter="/", max_keys=page_size)
    result = StepResult()
    for name in page.prefixes:
        result.follow_ups.extend(spawn(name.removeprefix(prefix).rstrip("/")))
    if page.next_token:
        result.follow_ups.append(task.model_copy(update={"token": page.next_token}))
    return result


def sweep_source(
    task: SweepTask,
    blobs: BlobStore,
    items: ItemRepository,
    snapshots: SnapshotRepository,
    clock: Clock,
    pages: int,
    page_size: int,
) -> StepResult:
    """Up to `pages` pages of one kind of a source's keys; the rest is a follow-up task. Ages are
    judged on the source's clock."""
    if not (task.tenant_id and task.source_id and task.kind):
        raise ValueError("a source's sweep step names its tenant, source and kind")
    prefix = f"{source_prefix(task.tenant_id, task.source_id)}{task.kind}/"
    now, token = clock(), task.token
    referenced: set[str] | None = None
    open_snapshots: dict[str, bool] = {}
    result = StepResult()
    for _ in range(pages):
        page = blobs.list_page(prefix, token, max_keys=page_size)
        old = [obj.key for obj in page.objects if now - _aware(obj.last_modified) >= SWEEP_MIN_AGE]
        if old and referenced is None:  # read once per step, and only when something could go
            referenced = items.content_refs(task.source_id)
        doomed = [
            key
            for key in old
            if key not in (referenced or set())
            and not _owned_by_open_snapshot(key, prefix, task, snapshots, open_snapshots)
        ]
        blobs.delete(doomed)
        result.deleted.extend(doomed)
        token = page.next_token
        if token is None:
            return result
    result.follow_ups.append(task.model_copy(update={"token": token}))
    return result


def _owned_by_open_snapshot(
    key: str, prefix: str, task: SweepTask, snapshots: SnapshotRepository, seen: dict[str, bool]
) -> bool:
    """snapshots/<snapshotId>/<write>.txt belongs to its snapshot while that is open or committing."""
    if task.kind != "snapshots":
        return False
    snapshot_id = key.removeprefix(prefix).split("/", 1)[0]
    if snapshot_id not in seen:
        snapshot = snapshots.get(task.source_id or "", snapshot_id)
        seen[snapshot_id] = snapshot is not None and snapshot.status in _OPEN_SNAPSHOT
    return seen[snapshot_id]


def _aware(moment: datetime) -> datetime:
    """S3 reports LastModified with its zone; an emulator may not (then it is UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SweepQueue:
    """The sweep's own queue: each step sends the steps it leaves for later (ten per request)."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def send(self, tasks: list[SweepTask]) -> None:
        for start in range(0, len(tasks), 10):
            entries = [
                {"Id": str(i), "MessageBody": task.model_dump_json(by_alias=True, exclude_none=True)}
                for i, task in enumerate(tasks[start : start + 10])
            ]
            reply = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if reply.get("Failed"):
                raise RuntimeError(f"{len(reply['Failed'])} sweep tasks could not be queued")
