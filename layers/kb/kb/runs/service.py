"""Runs: start one (an execution of the run state machine) and compute its plan (its task)."""

from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from kb.blobs import RUN_PLAN_TAG, BlobStore, plan_key
from kb.composition import Clock
from kb.cursors import CursorCodec, Listing, invalid_cursor
from kb.errors import NotFound, RunExpired
from kb.generations.manifests import Entries, item_count, open_manifest
from kb.ids import iso_now, new_id, parse_iso
from kb.items.repository import ItemRepository
from kb.runs.diff import AppliedState, StagedState, diff_changes
from kb.runs.models import ChangePage, ItemChange, Progress, Run, RunPage, RunPlan, RunTask
from kb.runs.repository import RunRepository
from kb.sources.models import BuildSettings, Source
from kb.sources.repository import SourceRepository
from kb.sources.service import require_active
from kb.webhooks.events import EventPublisher, new_event
from kb.workflows import Workflows


def start_run(
    runs: RunRepository, workflows: Workflows, state_machine_arn: str, source: Source, wait_seconds: float
) -> tuple[Run, bool]:
    """Start a run and wait for it, bounded. Returns the run and whether it has finished; an
    unfinished run is queued or running, and its record is what a client polls."""
    require_active(source)
    run = Run(id=new_id("run"), source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now())
    runs.create(run)
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
    try:
        execution_arn = workflows.start(state_machine_arn, run.id, task.to_json_dict())
    except (BotoCoreError, ClientError):
        runs.fail(source.id, run.id, "The run could not be started.")
        raise
    waited = workflows.wait(execution_arn, wait_seconds, lambda: _finished(runs, source.id, run.id))
    if waited.running:
        return get_run(runs, source, run.id), False
    if waited.description is not None:
        # The state machine records its own failures; this covers an execution that ended
        # without reaching its recorder (timed out, aborted). Recording twice changes nothing.
        runs.fail(source.id, run.id, waited.description.get("cause") or waited.description["status"])
    return get_run(runs, source, run.id), True


def _finished(runs: RunRepository, source_id: str, run_id: str) -> bool:
    """A run's record is the last thing its execution writes: succeeded by the task, failed by the recorder."""
    run = runs.get(source_id, run_id)
    return run is not None and run.status in ("succeeded", "failed")


def get_run(runs: RunRepository, source: Source, run_id: str) -> Run:
    run = runs.get(source.id, run_id)
    if run is None or run.tenant_id != source.tenant_id:
        raise NotFound(f"Run {run_id} was not found.")
    return run


def require_unexpired(run: Run, clock: Clock, retention_days: int) -> None:
    """A run's plan is expired by the bucket's lifecycle rule `retention_days` after it was
    written (S3 rounds up to the next midnight, so never sooner): from that age on the run is
    judged expired, whether or not S3 has deleted the plan yet, so the answer does not depend on
    when S3 gets to it."""
    if clock() - parse_iso(run.created_at) >= timedelta(days=retention_days):
        raise RunExpired(f"Run {run.id} is older than {retention_days} days and its plan has expired; start a new run.")


def load_plan(blobs: BlobStore, run: Run) -> RunPlan:
    try:
        document = blobs.get_json(plan_key(run.tenant_id, run.source_id, run.id))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise RunExpired(f"The plan of run {run.id} has expired; start a new run.") from error
        raise
    return RunPlan.model_validate(document)


def list_runs(runs: RunRepository, source: Source, limit: int, cursor: str | None) -> RunPage:
    page, next_cursor = runs.page(source.tenant_id, source.id, limit, cursor)
    return RunPage(runs=page, next_cursor=next_cursor)


def list_changes(
    runs: RunRepository,
    blobs: BlobStore,
    cursors: CursorCodec,
    source: Source,
    run_id: str,
    limit: int,
    cursor: str | None,
    clock: Clock,
    plan_retention_days: int,
) -> ChangePage:
    run = get_run(runs, source, run_id)
    listing = Listing(source.tenant_id, f"changes:{source.id}:{run.id}")
    start = _decode_offset(cursors, cursor, listing)
    if run.status != "succeeded":
        return ChangePage(changes=[])
    require_unexpired(run, clock, plan_retention_days)
    plan = load_plan(blobs, run)
    page = plan.changes[start : start + limit]
    end = start + len(page)
    more = end < len(plan.changes)
    return ChangePage(changes=page, next_cursor=cursors.encode({"offset": end}, listing) if more else None)


def _decode_offset(cursors: CursorCodec, cursor: str | None, listing: Listing) -> int:
    if not cursor:
        return 0
    offset = cursors.decode(cursor, listing).get("offset")
    if type(offset) is not int or offset < 0:
        raise invalid_cursor()
    return offset


def compute_run(
    task: RunTask,
    sources: SourceRepository,
    items: ItemRepository,
    runs: RunRepository,
    blobs: BlobStore,
    clock: Clock,
    events: EventPublisher,
) -> Run:
    """The run state machine's task. It closes the source's staging epoch, then reads only the
    items changed since the base generation's epoch (the change log), not the whole staging set."""
    source = sources.get(task.tenant_id, task.source_id)
    run = runs.get(task.source_id, task.run_id)
    if source is None or run is None:
        raise NotFound(f"Run {task.run_id} of source {task.source_id} was not found.")
    closed = sources.close_epoch(source)
    epoch = closed.staging_epoch - 1
    base, entries = open_manifest(blobs, task.tenant_id, task.source_id, closed.current_generation_id)
    base_epoch = base.staging_epoch if base else 0
    changed_ids = items.changed_between(task.source_id, base_epoch, epoch)
    # The applied state of what changed, and every tombstone (its grace may have ended): only
    # the manifest shards holding them are read.
    entries.load(changed_ids)
    entries.load_shards(ref.index for ref in (base.shards or [] if base else []) if ref.tombstone_count)
    run = runs.start(run, Progress(items_total=len(changed_ids)))
    staged = {
        item_id: StagedState(item.state, item.content_hash, item.missing_since)
        for item_id, item in items.versions_of(task.source_id, sorted(changed_ids)).items()
    }
    applied = {item_id: AppliedState(entry.content_hash, entry.missing_since) for item_id, entry in entries.items()}
    applied_count = item_count(base) if base else 0
    changes, counts = diff_changes(staged, applied, clock(), closed.grace_days, applied_count)
    settings = BuildSettings(chunking=closed.chunking, language=closed.language, version=closed.settings_version)
    built_version = base.index.settings.version if base and base.index and base.index.settings else 1
    run = run.model_copy(update={"rebuild_required": base is not None and built_version != settings.version})
    plan = RunPlan(
        run_id=run.id,
        base_generation_id=closed.current_generation_id,
        base_epoch=base_epoch,
        staging_epoch=epoch,
        changes=changes,
        settings=settings,
        rebuild_items=_rebuild_items(entries, changes) if task.rebuild else None,
    )
    # Tagged: the bucket's lifecycle rule expires plans (RunPlanRetentionDays), and the API
    # answers 409 run_expired for a run that old (require_unexpired).
    blobs.put_json(plan_key(task.tenant_id, task.source_id, run.id), plan.to_json_dict(), tagging=RUN_PLAN_TAG)
    done = runs.complete(run, counts, closed.current_generation_id, epoch, closed.open_snapshot_id is None)
    data = {
        "sourceId": done.source_id,
        "runId": done.id,
        "counts": counts.to_json_dict(),
        "discoveryComplete": done.discovery_complete,
    }
    events.publish(task.tenant_id, [new_event("run.completed", data)])
    return done


def _rebuild_items(entries: Entries, changes: list[ItemChange]) -> list[ItemChange]:
    """What the generation after `changes` holds (its tombstones too, with their missing_since),
    every item as a change to build afresh: a rebuild reuses nothing of the base."""
    entries.load_all()
    held = {item_id: (entry.content_hash, entry.missing_since) for item_id, entry in entries.items()}
    was = set(held)
    for change in changes:
        if change.change in ("deleted", "purged"):
            held.pop(change.external_item_id, None)
        elif change.content_hash is not None:
            missing_since = change.missing_since if change.change == "tombstoned" else None
            held[change.external_item_id] = (change.content_hash, missing_since)
    return [
        ItemChange(
            external_item_id=item_id,
            change="updated" if item_id in was else "created",
            content_hash=content_hash,
            missing_since=missing_since,
        )
        for item_id, (content_hash, missing_since) in sorted(held.items())
    ]
