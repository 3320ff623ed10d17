"""Snapshots: the caller sends the whole desired state in pages, then commits (the staging set
becomes exactly the snapshot; everything else goes missing) or aborts. While one is open, runs
have incomplete discovery and cannot be applied."""

import contextlib

from kb.errors import MassDeletion, NotFound, SnapshotClosed, SnapshotInProgress
from kb.ids import iso_now, new_id
from kb.items.batch import stage_many
from kb.items.models import BatchItemResult
from kb.items.repository import ContentGone, ItemRepository
from kb.items.service import Decision, missing_decision, upsert_decision, validate_items
from kb.snapshots.models import Snapshot, SnapshotCounts, SnapshotPageRequest, SnapshotPageResult
from kb.snapshots.repository import SnapshotRepository, SnapshotStateConflict
from kb.sources.models import Source
from kb.sources.repository import SourceConditionFailed, SourceRepository
from kb.sources.service import require_active

_WORKERS = 8
_COMMIT_SLICE = 1000


def begin_snapshot(snapshots: SnapshotRepository, sources: SourceRepository, source: Source) -> Snapshot:
    require_active(source)
    snapshot = Snapshot(
        id=new_id("snap"), source_id=source.id, tenant_id=source.tenant_id, status="open", created_at=iso_now()
    )
    snapshots.create(snapshot)
    try:
        sources.open_snapshot(source, snapshot.id)
    except SourceConditionFailed as error:
        snapshots.transition(
            snapshot, ("open",), snapshot.model_copy(update={"status": "aborted", "closed_at": iso_now()})
        )
        require_active(sources.get(source.tenant_id, source.id) or source)
        raise SnapshotInProgress(
            f"Source {source.id} already has an open snapshot; commit or abort it first."
        ) from error
    return snapshot


def get_snapshot(snapshots: SnapshotRepository, source: Source, snapshot_id: str) -> Snapshot:
    snapshot = snapshots.get(source.id, snapshot_id)
    if snapshot is None or snapshot.tenant_id != source.tenant_id:
        raise NotFound(f"Snapshot {snapshot_id} was not found.")
    return snapshot


def add_page(
    snapshots: SnapshotRepository, source: Source, snapshot_id: str, page: SnapshotPageRequest
) -> SnapshotPageResult:
    require_active(source)
    snapshot = get_snapshot(snapshots, source, snapshot_id)
    if snapshot.status != "open":
        raise SnapshotClosed(f"Snapshot {snapshot_id} is {snapshot.status}.")
    parsed = validate_items(page.items)

    snapshots.add_items(snapshot, [request for request in parsed if not isinstance(request, str)])
    results = [
        BatchItemResult(index=index, operation="upsert", outcome="invalid", error=request)
        if isinstance(request, str)
        else BatchItemResult(
            index=index, external_item_id=request.external_item_id, operation="upsert", outcome="created"
        )
        for index, request in enumerate(parsed)
    ]
    # A commit or abort that raced this page may or may not include it: say so, don't guess.
    after = get_snapshot(snapshots, source, snapshot_id)
    if after.status != "open":
        raise SnapshotClosed(
            f"Snapshot {snapshot_id} was {after.status} while this page was added; it may be partly included."
        )
    failed = sum(1 for r in results if r.outcome == "invalid")
    return SnapshotPageResult(results=results, accepted=len(results) - failed, failed=failed)


def commit_snapshot(
    snapshots: SnapshotRepository,
    sources: SourceRepository,
    items: ItemRepository,
    source: Source,
    snapshot_id: str,
    allow_mass_deletion: bool = False,
) -> Snapshot:
    """Idempotent: a commit interrupted half-way (status committing) can simply be committed again,
    or aborted. Refused (mass_deletion) when it would tombstone more of the source than its
    threshold allows, unless `allow_mass_deletion`: the snapshot then stays as it was. The
    snapshot is `committing` before its items are read, so a page either lands before (and is
    committed) or is refused; an abort stops the commit at its next slice."""
    require_active(source)
    snapshot = get_snapshot(snapshots, source, snapshot_id)
    if snapshot.status == "committed":
        return snapshot
    if snapshot.status not in ("open", "committing"):
        raise SnapshotClosed(f"Snapshot {snapshot_id} is {snapshot.status}.")
    committing = snapshot.model_copy(update={"status": "committing"})
    try:
        snapshots.transition(snapshot, ("open", "committing"), committing)
    except SnapshotStateConflict as error:
        raise SnapshotClosed(f"Snapshot {snapshot_id} is no longer open.") from error
    wanted = snapshots.item_ids(snapshot.id)
    wanted_ids = set(wanted)
    active = [item_id for item_id, state in items.states(source.id).items() if state == "active"]
    leaving = [item_id for item_id in active if item_id not in wanted_ids]
    if not allow_mass_deletion and len(leaving) * 100 > source.mass_deletion_threshold * len(active):
        with contextlib.suppress(SnapshotStateConflict):  # reopened, unless aborted meanwhile
            snapshots.transition(committing, ("committing",), snapshot)
        raise MassDeletion(
            f"Committing snapshot {snapshot_id} would tombstone {len(leaving)} of {len(active)} active items, "
            f"more than the source's massDeletionThreshold of {source.mass_deletion_threshold}%. "
            'Send {"allowMassDeletion": true} to commit anyway, add the missing items, or abort.'
        )
    outcomes: list[str] = []
    for start in range(0, len(wanted), _COMMIT_SLICE):
        _still_committing(snapshots, source, snapshot_id)
        try:  # a slice at a time: big content is loaded only for the slice being staged
            requests = snapshots.requests(snapshot.id, wanted[start : start + _COMMIT_SLICE])
        except ContentGone:
            _still_committing(snapshots, source, snapshot_id)
            raise
        decisions = [(r.external_item_id, upsert_decision(source, r)) for r in requests]
        source = _current(sources, source)
        outcomes += _staged(items, sources, snapshots, source, snapshot, decisions)
    for start in range(0, len(leaving), _COMMIT_SLICE):
        _still_committing(snapshots, source, snapshot_id)
        slice_ids = leaving[start : start + _COMMIT_SLICE]
        source = _current(sources, source)
        outcomes += _staged(items, sources, snapshots, source, snapshot, [(i, missing_decision) for i in slice_ids])
    counts = SnapshotCounts(**{name: outcomes.count(name) for name in SnapshotCounts.model_fields})
    committed = committing.model_copy(update={"status": "committed", "closed_at": iso_now(), "counts": counts})
    try:
        snapshots.transition(committing, ("committing",), committed)
    except SnapshotStateConflict as error:
        raise SnapshotClosed(f"Snapshot {snapshot_id} was aborted while it was committed.") from error
    with contextlib.suppress(SourceConditionFailed):  # already closed by an earlier, interrupted commit
        sources.close_snapshot(source, snapshot.id)
    snapshots.delete_items(snapshot)
    return committed


def _still_committing(snapshots: SnapshotRepository, source: Source, snapshot_id: str) -> None:
    if get_snapshot(snapshots, source, snapshot_id).status != "committing":
        raise SnapshotClosed(
            f"Snapshot {snapshot_id} was aborted while it was committed; what it staged before stays staged."
        )


def _staged(
    items: ItemRepository,
    sources: SourceRepository,
    snapshots: SnapshotRepository,
    source: Source,
    snapshot: Snapshot,
    decisions: list[tuple[str, Decision]],
) -> list[str]:
    """The outcomes of staging `decisions`, every write on the condition that the snapshot is still
    committing (an abort stops the commit); a failed one fails the commit (which may be retried)."""
    results = stage_many(
        items,
        sources,
        source,
        decisions,
        checks=[snapshots.committing_check(snapshot)],
        before_each=lambda: _still_committing(snapshots, source, snapshot.id),
    )
    _still_committing(snapshots, source, snapshot.id)  # a cancelled transaction said nothing
    failed = [r.operation.external_item_id for r in results if r.outcome == "failed"]
    if failed:
        raise RuntimeError(f"staging {len(failed)} items of the snapshot failed, e.g. {failed[0]}")
    return [r.outcome for r in results]


def abort_snapshot(
    snapshots: SnapshotRepository, sources: SourceRepository, source: Source, snapshot_id: str
) -> Snapshot:
    """An open snapshot, or one being committed (or whose commit was interrupted): what the commit
    already staged stays staged (each is a valid upsert); it stops at its next slice of 1,000."""
    snapshot = get_snapshot(snapshots, source, snapshot_id)
    if snapshot.status == "aborted":
        return snapshot
    aborted = snapshot.model_copy(update={"status": "aborted", "closed_at": iso_now()})
    try:
        snapshots.transition(snapshot, ("open", "committing"), aborted)
    except SnapshotStateConflict as error:
        raise SnapshotClosed(f"Snapshot {snapshot_id} is {snapshot.status}; it cannot be aborted.") from error
    with contextlib.suppress(SourceConditionFailed):
        sources.close_snapshot(source, snapshot.id)
    snapshots.delete_items(snapshot)
    return aborted


def _current(sources: SourceRepository, source: Source) -> Source:
    """The source as it is now, read once a slice: a run that closed the staging epoch during a
    long commit would otherwise fail every later transaction's epoch check (each then retried
    one write at a time)."""
    return sources.get(source.tenant_id, source.id) or source
