"""Apply: take the source's lease, build an immutable generation from a run's plan, publish it
with one conditional write; plus listing, rollback and retention."""

from datetime import timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kb.blobs import BlobStore, manifest_key, plan_key, source_prefix
from kb.composition import Clock
from kb.errors import (
    ApplyConflict,
    ApplyInProgress,
    BuildFailed,
    DomainError,
    LeaseLost,
    NotApplyEligible,
    NotFound,
    NotRollbackEligible,
    RebuildRequired,
    StaleBase,
    StalePlan,
)
from kb.evaluation.gate import EvaluationGate
from kb.generations.chunk_packs import packs_prefix
from kb.generations.manifests import SHARD_COUNT, parallel, shard_of
from kb.generations.models import (
    ApplyResult,
    ApplyTask,
    BuildResult,
    Generation,
    GenerationPage,
    GenerationView,
    Manifest,
    ManifestShard,
    ReleaseTask,
    RollbackResult,
    SegmentRef,
)
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, new_id, to_iso
from kb.items.repository import ItemRepository
from kb.observability import count, logger
from kb.runs.models import RunPlan
from kb.runs.repository import RunRepository
from kb.runs.service import get_run, require_unexpired
from kb.sources.models import Source
from kb.sources.repository import SourceConditionFailed, SourceRepository
from kb.sources.service import require_active
from kb.webhooks.events import EventPublisher, new_event
from kb.workflows import Workflows

# Error names the apply state machine ends with (its Fail states), mapped to domain errors.
_FAILURES: dict[str, type[DomainError]] = {
    "StaleBase": StaleBase,
    "StalePlan": StalePlan,
    "LeaseLost": LeaseLost,
    "BuildFailed": BuildFailed,
}
_FAILURE_CODES: dict[str, type[DomainError]] = {error.code: error for error in _FAILURES.values()}
_BUILD_FAILED_MESSAGE = "The knowledge build failed; the previous generation keeps serving."


def _settled(generations: GenerationRepository, source_id: str, generation_id: str) -> bool:
    """The last write of an apply's execution: the failure recorder's, or retention's settle mark
    after a publish (so an apply that answers "published" has also applied retention)."""
    generation = generations.get(source_id, generation_id)
    if generation is None:
        return False
    return generation.status in ("failed", "held") or (
        generation.status == "succeeded" and generation.settled_at is not None
    )


def apply_run(
    runs: RunRepository,
    sources: SourceRepository,
    items: ItemRepository,
    generations: GenerationRepository,
    workflows: Workflows,
    state_machine_arn: str,
    source: Source,
    run_id: str,
    wait_seconds: float,
    lease_seconds: int,
    clock: Clock,
    plan_retention_days: int,
    gate: EvaluationGate | None = None,
) -> ApplyResult:
    """With a `gate`, the candidate is evaluated before it publishes and may end `held`
    (kb.evaluation.gating)."""
    run = get_run(runs, source, run_id)
    require_active(source)
    if run.applied_generation_id is not None:
        raise ApplyConflict(f"Run {run_id} was already applied as {run.applied_generation_id}; start a new run.")
    if run.status != "succeeded" or not run.discovery_complete or run.staging_epoch is None:
        raise NotApplyEligible(f"Run {run_id} is {run.status} with incomplete discovery; it cannot be applied.")
    require_unexpired(run, clock, plan_retention_days)
    if source.current_generation_id != run.base_generation_id:
        raise StaleBase("Another generation was published since this run was planned; start a new run.")
    if items.changed_after(source.id, run.staging_epoch):
        raise StalePlan("The staging set changed after this run; start a new run.")
    if run.rebuild_required and not run.rebuild:
        raise RebuildRequired(
            f"Source {source.id}'s chunking or language changed since its generation was built; "
            "rebuild it (POST /v1/train with mode rebuild) instead of applying incrementally."
        )
    if run.base_generation_id is not None and run.counts.changes() == 0 and not run.rebuild:
        # Nothing to build: a new generation would only push real rollback targets out of retention.
        generations.apply_unchanged(sources, source, run, run.base_generation_id)
        return ApplyResult(status="unchanged", generation_id=run.base_generation_id, counts=run.counts)
    now = clock()
    generation = Generation(
        id=new_id("gen"),
        source_id=source.id,
        tenant_id=source.tenant_id,
        run_id=run.id,
        base_generation_id=run.base_generation_id,
        status="queued",
        counts=run.counts,
        created_at=iso_now(),
    )
    try:
        generations.begin(sources, source, generation, to_iso(now + timedelta(seconds=lease_seconds)), to_iso(now))
    except SourceConditionFailed as error:
        require_active(sources.get(source.tenant_id, source.id) or source)
        raise ApplyInProgress(f"Another apply of source {source.id} is in progress; retry shortly.") from error
    task = ApplyTask(
        tenant_id=source.tenant_id, source_id=source.id, run_id=run.id, generation_id=generation.id, gate=gate
    )
    try:
        execution_arn = workflows.start(state_machine_arn, generation.id, task.to_json_dict())
    except (BotoCoreError, ClientError):
        generations.fail(source.id, generation.id, BuildFailed.code, "The build could not be started.")
        sources.release_lease(source, generation.id)
        raise
    waited = workflows.wait(execution_arn, wait_seconds, lambda: _settled(generations, source.id, generation.id))
    if waited.running:
        return ApplyResult(status="applying", generation_id=generation.id, counts=run.counts)
    if waited.description is not None and waited.description["status"] != "SUCCEEDED":
        # The state machine records its own failures; this covers one that ended without
        # reaching its recorder (timed out, aborted). Recording twice changes nothing.
        error_class = _FAILURES.get(waited.description.get("error", ""), BuildFailed)
        message = waited.description.get("cause") or _BUILD_FAILED_MESSAGE
        generations.fail(source.id, generation.id, error_class.code, message)
        raise error_class(message)
    settled = generations.get(source.id, generation.id)
    if settled is not None and settled.status == "failed":
        error_class = _FAILURE_CODES.get(settled.error_code or "", BuildFailed)
        raise error_class(settled.error or _BUILD_FAILED_MESSAGE)
    status = "held" if settled is not None and settled.status == "held" else "published"
    return ApplyResult(status=status, generation_id=generation.id, counts=run.counts)


_CONTENT_EVENTS = {
    "created": "content.created",
    "updated": "content.updated",
    "restored": "content.updated",
    "deleted": "content.deleted",
    "purged": "content.deleted",
}


def publish_generation(
    build: BuildResult,
    sources: SourceRepository,
    runs: RunRepository,
    generations: GenerationRepository,
    blobs: BlobStore,
    events: EventPublisher,
) -> ApplyResult:
    source = sources.get(build.tenant_id, build.source_id)
    run = runs.get(build.source_id, build.run_id)
    generation = generations.get(build.source_id, build.generation_id)
    if source is None or run is None or generation is None:
        raise NotFound(f"Source {build.source_id}, run {build.run_id} or generation {build.generation_id} is gone.")
    generations.publish(sources, source, generation, build.manifest)
    count("GenerationsPublished")
    try:
        _announce(build, run.counts.to_json_dict(), blobs, events)
    except (BotoCoreError, ClientError):
        # Published is published: the apply must not end as a build failure because an
        # announcement could not be queued (SendMessage already retried). Logged and counted.
        logger.exception("announcing a published generation failed", extra={"generation_id": generation.id})
        count("AnnouncementsFailed")
    return ApplyResult(status="published", generation_id=generation.id, counts=run.counts)


def _announce(build: BuildResult, counts: dict[str, Any], blobs: BlobStore, events: EventPublisher) -> None:
    """generation.published, and a content.* event per item the published generation changed."""
    plan = RunPlan.model_validate(blobs.get_json(plan_key(build.tenant_id, build.source_id, build.run_id)))
    where = {"sourceId": build.source_id, "generationId": build.generation_id}
    announced = [new_event("generation.published", {**where, "runId": build.run_id, "counts": counts})]
    announced += [
        new_event(
            _CONTENT_EVENTS[c.change], {**where, "externalItemId": c.external_item_id, "contentHash": c.content_hash}
        )
        for c in plan.changes
        if c.change in _CONTENT_EVENTS
    ]
    events.publish(build.tenant_id, announced)


def release_lease(sources: SourceRepository, task: ReleaseTask, events: EventPublisher) -> None:
    """After a failed apply: free the source for the next one (only if the lease is still ours)."""
    source = sources.get(task.tenant_id, task.source_id)
    if source is not None:
        sources.release_lease(source, task.generation_id)
    if task.failure == "BuildFailed":
        data = {"sourceId": task.source_id, "generationId": task.generation_id, "runId": task.run_id}
        events.publish(task.tenant_id, [new_event("generation.build_failed", data)])


def retain_generations(
    task: ApplyTask, sources: SourceRepository, generations: GenerationRepository, blobs: BlobStore, keep: int
) -> list[str]:
    """Keep the newest `keep` generations (and always the current one); remove the rest from the
    table and S3, with the chunk documents and index segments no retained manifest refers to.
    Then mark the apply settled (the last write of a published apply). Returns what went."""
    removed = _retain(task, sources, generations, blobs, keep)
    generations.settle(task.source_id, task.generation_id)
    return removed


def _retain(
    task: ApplyTask, sources: SourceRepository, generations: GenerationRepository, blobs: BlobStore, keep: int
) -> list[str]:
    source = sources.get(task.tenant_id, task.source_id)
    if source is None:
        return []
    every = generations.all_newest_first(source.id)
    published = [g for g in every if g.status == "succeeded"]
    failed = [g for g in every if g.status in ("failed", "discarded")]
    # Failed builds (and discarded held ones) never count against the published ones kept for
    # rollback; the newest `keep` of them stay to be looked at. Queued, running and held ones are
    # never touched, and what a held one refers to stays with it until it is published or discarded.
    retained = [g for i, g in enumerate(published) if i < keep or g.id == source.current_generation_id]
    doomed = [g for g in published if g not in retained] + failed[keep:]
    if not doomed:
        return []
    retained += [g for g in every if g.status == "held"]
    # Only what a doomed manifest refers to and no retained one does: an apply building meanwhile
    # writes documents no manifest refers to yet, and those must survive.
    unpublished = _written_by_failed_builds(blobs, [g for g in doomed if g.status == "failed"])
    if unpublished:  # never second-guess a retained manifest, whoever wrote what it names
        unpublished -= {ref.key for g in retained if g.manifest is not None for ref in _segments(_root(blobs, g))}
    orphaned = set(_orphaned_keys(blobs, retained, doomed)) | unpublished
    blobs.delete(sorted(orphaned) + [g.manifest.key for g in doomed if g.manifest is not None])
    for generation in doomed:
        generations.delete(generation)
    return [g.id for g in doomed]


def _written_by_failed_builds(blobs: BlobStore, failed: list[Generation]) -> set[str]:
    """What a failed build wrote under its own generation id (its index segments and chunk packs, a
    manifest it got as far as writing): no published manifest names them, so _stored_keys cannot find them."""
    keys: set[str] = set()
    for generation in failed:
        prefix = source_prefix(generation.tenant_id, generation.source_id)
        keys.update(blobs.list_keys(f"{prefix}segments/{generation.id}-"))
        keys.update(blobs.list_keys(packs_prefix(prefix, generation.id)))
        manifest_folder = manifest_key(generation.tenant_id, generation.source_id, generation.id).rsplit("/", 1)[0]
        keys.update(blobs.list_keys(f"{manifest_folder}/"))
    return keys


def _orphaned_keys(blobs: BlobStore, retained: list[Generation], doomed: list[Generation]) -> list[str]:
    """Manifest shards, chunk documents and segments of the doomed generations that no retained one
    refers to. An item always lands in the same shard, so only the shards a doomed generation does
    not share with a retained one are read, on both sides: the cost follows what changed."""
    kept = [_root(blobs, g) for g in retained if g.manifest is not None]  # a failed build has no manifest
    gone = [_root(blobs, g) for g in doomed if g.manifest is not None]
    kept_shards = {ref.key for root in kept for ref in root.shards or []}
    every_index = range(SHARD_COUNT)
    if any(root.shards is None or root.shard_count != SHARD_COUNT for root in kept + gone):
        indexes: set[int] = set(every_index)  # an older layout (or another shard count): compare everything
    else:
        indexes = {ref.index for root in gone for ref in root.shards or [] if ref.key not in kept_shards}
    chunks = _chunk_keys(blobs, gone, indexes) - _chunk_keys(blobs, kept, indexes)
    shards = {ref.key for root in gone for ref in root.shards or []} - kept_shards
    segments = {ref.key for root in gone for ref in _segments(root)} - {
        ref.key for root in kept for ref in _segments(root)
    }
    return sorted(chunks | shards | segments)


def _root(blobs: BlobStore, generation: Generation) -> Manifest:
    assert generation.manifest is not None
    return Manifest.model_validate(blobs.get_json(generation.manifest.key))


def _segments(root: Manifest) -> list[SegmentRef]:
    return root.index.segments if root.index else []


def _chunk_keys(blobs: BlobStore, roots: list[Manifest], indexes: set[int]) -> set[str]:
    keys: set[str] = set()
    for root in roots:
        if root.shards is None or root.shard_count is None:
            keys.update(e.chunks_key for i, e in root.items.items() if shard_of(i, SHARD_COUNT) in indexes)
            continue
        refs = [ref for ref in root.shards if ref.index in indexes]
        for shard in parallel(lambda ref: ManifestShard.model_validate(blobs.get_json(ref.key)), refs):
            keys.update(entry.chunks_key for entry in shard.items.values())
    return keys


def _view(generation: Generation, source: Source) -> GenerationView:
    return GenerationView(**generation.model_dump(), current=generation.id == source.current_generation_id)


def get_generation(generations: GenerationRepository, source: Source, generation_id: str) -> GenerationView:
    generation = generations.get(source.id, generation_id)
    if generation is None or generation.tenant_id != source.tenant_id:
        raise NotFound(f"Generation {generation_id} was not found.")
    return _view(generation, source)


def list_generations(
    generations: GenerationRepository, source: Source, limit: int, cursor: str | None
) -> GenerationPage:
    page, next_cursor = generations.page(source.tenant_id, source.id, limit, cursor)
    return GenerationPage(generations=[_view(g, source) for g in page], next_cursor=next_cursor)


def rollback(
    generations: GenerationRepository,
    sources: SourceRepository,
    source: Source,
    generation_id: str,
    clock: Clock,
    events: EventPublisher,
) -> RollbackResult:
    """Republish a retained generation atomically (one conditional write of the pointer)."""
    require_active(source)
    target = get_generation(generations, source, generation_id)
    previous = source.current_generation_id
    if target.current:
        return RollbackResult(status="published", generation_id=target.id, previous_generation_id=previous)
    if target.status != "succeeded":
        raise NotRollbackEligible(f"Generation {target.id} is {target.status}: only a published one can serve again.")
    try:
        sources.rollback(source, target.id, to_iso(clock()))
    except SourceConditionFailed as error:
        fresh = require_active(sources.get(source.tenant_id, source.id) or source)
        if fresh.current_generation_id != previous:
            raise StaleBase("The current generation changed meanwhile; look again and retry.") from error
        raise ApplyInProgress(f"An apply of source {source.id} is in progress; retry shortly.") from error
    data = {"sourceId": source.id, "generationId": target.id, "previousGenerationId": previous}
    events.publish(source.tenant_id, [new_event("generation.rolled_back", data)])
    return RollbackResult(status="published", generation_id=target.id, previous_generation_id=previous)
