"""Apply: build an immutable generation from a run's plan, then publish it atomically."""

from kb.blobs import BlobStore, chunks_key, manifest_key, plan_key
from kb.errors import BuildFailed, NotApplyEligible, NotFound, StaleBase
from kb.generations.chunking import chunk_id, chunk_text
from kb.generations.models import (
    ApplyResult,
    ApplyTask,
    BuildResult,
    Chunk,
    ChunkDocument,
    Generation,
    Manifest,
    ManifestEntry,
)
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, new_id
from kb.items.models import StagedItem
from kb.items.repository import ItemRepository
from kb.observability import count
from kb.runs.models import RunPlan
from kb.runs.repository import RunRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.workflows import start_execution, wait_for_execution

# Error names the apply state machine ends with (its Fail states), mapped to domain errors.
_FAILURE_ERRORS = {"StaleBase": StaleBase, "BuildFailed": BuildFailed}


def apply_run(
    runs: RunRepository, sfn: object, state_machine_arn: str, source: Source, run_id: str, wait_seconds: float
) -> ApplyResult:
    run = runs.get(source.id, run_id)
    if run is None or run.tenant_id != source.tenant_id:
        raise NotFound(f"Run {run_id} was not found.")
    if run.status != "succeeded" or not run.discovery_complete:
        raise NotApplyEligible(f"Run {run_id} is {run.status} with incomplete discovery; it cannot be applied.")
    task = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id, generation_id=new_id("gen"))
    execution_arn = start_execution(sfn, state_machine_arn, task.generation_id, task.to_json_dict())
    description = wait_for_execution(sfn, execution_arn, wait_seconds)
    if description is None:
        return ApplyResult(status="applying", generation_id=task.generation_id, counts=run.counts)
    if description["status"] != "SUCCEEDED":
        error_class = _FAILURE_ERRORS.get(description.get("error", ""), BuildFailed)
        raise error_class(
            description.get("cause") or "The knowledge build failed; the previous generation keeps serving."
        )
    return ApplyResult(status="published", generation_id=task.generation_id, counts=run.counts)


def build_generation(
    task: ApplyTask,
    items: ItemRepository,
    blobs: BlobStore,
    chunk_size: int,
    chunk_overlap: int,
) -> BuildResult:
    """Write chunks for what changed and a manifest that reuses everything that did not."""
    plan = RunPlan.model_validate(blobs.get_json(plan_key(task.tenant_id, task.source_id, task.run_id)))
    entries: dict[str, ManifestEntry] = {}
    if plan.base_generation_id is not None:
        base = Manifest.model_validate(
            blobs.get_json(manifest_key(task.tenant_id, task.source_id, plan.base_generation_id))
        )
        entries = dict(base.items)
    for change in plan.changes:
        if change.change == "deleted":
            entries.pop(change.external_item_id, None)
        elif change.change in ("created", "updated"):
            item = items.get(task.source_id, change.external_item_id)
            if item is None or item.content_hash_value != change.content_hash:
                raise RuntimeError(f"item {change.external_item_id} changed after the run; run again")
            entries[item.external_item_id] = _write_chunks(task, item, blobs, chunk_size, chunk_overlap)
    manifest = Manifest(
        generation_id=task.generation_id,
        tenant_id=task.tenant_id,
        source_id=task.source_id,
        run_id=task.run_id,
        base_generation_id=plan.base_generation_id,
        created_at=iso_now(),
        items=entries,
    )
    key = manifest_key(task.tenant_id, task.source_id, task.generation_id)
    blobs.put_json(key, manifest.to_json_dict())
    return BuildResult(
        **task.model_dump(),
        item_count=len(entries),
        chunk_count=sum(entry.chunk_count for entry in entries.values()),
        manifest_key=key,
    )


def _write_chunks(task: ApplyTask, item: StagedItem, blobs: BlobStore, size: int, overlap: int) -> ManifestEntry:
    texts = chunk_text(f"{item.title}\n\n{item.content}" if item.title else item.content, size, overlap)
    document = ChunkDocument(
        external_item_id=item.external_item_id,
        content_hash=item.content_hash_value,
        title=item.title,
        url=item.url,
        tags=item.tags,
        metadata=item.metadata,
        language=item.language,
        chunks=[
            Chunk(id=chunk_id(item.external_item_id, i, item.content_hash_value), position=i, text=text)
            for i, text in enumerate(texts)
        ],
    )
    key = chunks_key(task.tenant_id, task.source_id, item.external_item_id, item.content_hash_value)
    blobs.put_json(key, document.to_json_dict())
    return ManifestEntry(
        content_hash=item.content_hash_value, chunks_key=key, chunk_count=len(texts), title=item.title, url=item.url
    )


def publish_generation(
    build: BuildResult, sources: SourceRepository, runs: RunRepository, generations: GenerationRepository
) -> ApplyResult:
    source = sources.get(build.tenant_id, build.source_id)
    run = runs.get(build.source_id, build.run_id)
    if source is None or run is None:
        raise NotFound(f"Source {build.source_id} or run {build.run_id} is gone.")
    generation = Generation(
        id=build.generation_id,
        source_id=build.source_id,
        tenant_id=build.tenant_id,
        run_id=build.run_id,
        base_generation_id=run.base_generation_id,
        counts=run.counts,
        item_count=build.item_count,
        chunk_count=build.chunk_count,
        manifest_key=build.manifest_key,
        created_at=iso_now(),
    )
    generations.publish(sources, source, generation)
    count("GenerationsPublished")
    return ApplyResult(status="published", generation_id=generation.id, counts=run.counts)


def get_generation(generations: GenerationRepository, source: Source, generation_id: str) -> Generation:
    generation = generations.get(source.id, generation_id)
    if generation is None or generation.tenant_id != source.tenant_id:
        raise NotFound(f"Generation {generation_id} was not found.")
    return generation
