"""Build an immutable generation from a run's plan: chunk documents and index segments for what
changed, a manifest that reuses everything that did not. Three steps, so the apply state machine
can spread a big build over invocations: plan (cut the change into slices), build each slice
(chunks, embeddings, a segment), combine (the manifest)."""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from kb.blobs import BlobStore, manifest_key, plan_key, segment_key, slice_output_key, source_prefix
from kb.errors import NotFound, StalePlan
from kb.generations.chunk_packs import pack, pack_key, read_chunk_document
from kb.generations.chunking import chunk_id, item_chunks
from kb.generations.locations import ChunkLocation, locate
from kb.generations.manifests import IO_CONCURRENCY, SHARD_COUNT, open_manifest, parallel, shard_of
from kb.generations.models import (
    ApplyTask,
    BuildPlan,
    BuildResult,
    Chunk,
    ChunkDocument,
    CombineTask,
    Manifest,
    ManifestEntry,
    ManifestSummary,
    SliceOutput,
    SliceResult,
    SliceSpec,
    SliceTask,
)
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now
from kb.items.models import StagedItem
from kb.items.repository import ContentGone, ItemRepository
from kb.runs.models import ItemChange, Progress, RunPlan
from kb.search.build import IndexedChange, build_index, indexed_change, write_segment
from kb.search.embeddings import EmbeddingProvider
from kb.sources.models import BuildSettings, Chunking, Source
from kb.sources.repository import SourceRepository

# A progress write every so many items: a client sees movement without a write per item.
PROGRESS_EVERY_ITEMS = 50
# A build is split into slices of the change, each built by its own invocation (the state machine's
# Map): about TARGET_SLICES of them, none under SLICE_ITEMS_MIN items (an invocation costs) nor
# over SLICE_ITEMS_MAX (what one invocation embeds well inside Lambda's 900 s with Titan).
TARGET_SLICES = 8
SLICE_ITEMS_MIN = 500
SLICE_ITEMS_MAX = 5000


def build_generation(
    task: ApplyTask,
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    generations: GenerationRepository,
    embedder: EmbeddingProvider | None,
) -> BuildResult:
    """The whole build in this process: plan, every slice, combine (what the state machine spreads
    over invocations)."""
    return combine_build(CombineTask(**task.model_dump()), sources, items, blobs, generations, embedder)


def _built_items(plan: RunPlan) -> list[ItemChange]:
    if plan.rebuild_items is not None:  # a rebuild: every item, tombstones too
        return plan.rebuild_items
    return [c for c in plan.changes if c.change in ("created", "updated")]


def _settings(plan: RunPlan, source: Source) -> BuildSettings:
    """The settings the run snapshotted (a plan from before they were recorded: the source's)."""
    return plan.settings or BuildSettings(chunking=source.chunking, language=source.language)


def _plan(blobs: BlobStore, task: ApplyTask) -> RunPlan:
    return RunPlan.model_validate(blobs.get_json(plan_key(task.tenant_id, task.source_id, task.run_id)))


def plan_build(
    task: ApplyTask, sources: SourceRepository, blobs: BlobStore, generations: GenerationRepository
) -> BuildPlan:
    """Mark the generation running and cut the created/updated items into slices."""
    if sources.get(task.tenant_id, task.source_id) is None:
        raise NotFound(f"Source {task.source_id} is gone.")
    built = len(_built_items(_plan(blobs, task)))
    generations.start(task.source_id, task.generation_id, Progress(items_total=built))
    size = min(max(-(-built // TARGET_SLICES), SLICE_ITEMS_MIN), SLICE_ITEMS_MAX)
    slices = [
        SliceSpec(index=i, start=start, count=min(size, built - start)) for i, start in enumerate(range(0, built, size))
    ]
    return BuildPlan(**task.model_dump(), slices=slices)


def build_slice(
    task: SliceTask,
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    generations: GenerationRepository,
    embedder: EmbeddingProvider | None,
) -> SliceResult:
    """Chunk documents, embeddings and one index segment for a slice of the change; its entries go
    to S3 for the combining step (the state machine's payload stays small)."""
    source = sources.get(task.tenant_id, task.source_id)
    if source is None:
        raise NotFound(f"Source {task.source_id} is gone.")
    plan = _plan(blobs, task)
    settings = _settings(plan, source)
    changes = _built_items(plan)[task.slice.start : task.slice.start + task.slice.count]
    staged = items.get_many(task.source_id, [c.external_item_id for c in changes])
    to_write: list[StagedItem] = []
    missing_since: dict[str, str] = {}
    for change in changes:
        item = staged.get(change.external_item_id)
        state = "active" if change.missing_since is None else "missing"  # a rebuild carries tombstones
        if item is None or item.state != state or item.content_hash_value != change.content_hash:
            raise StalePlan(f"Item {change.external_item_id} changed after the run; start a new run.")
        to_write.append(item)
        if change.missing_since is not None:
            missing_since[change.external_item_id] = change.missing_since

    def load(item: StagedItem) -> StagedItem:
        try:
            return items.with_content(item)
        except ContentGone as error:  # replaced after we read it: this plan is stale
            raise StalePlan(f"Item {item.external_item_id} changed after the run; start a new run.") from error

    documents: list[ChunkDocument] = []
    indexed: list[IndexedChange] = []
    # Offloaded contents are read IO_CONCURRENCY at a time, progress added after each batch.
    with ThreadPoolExecutor(max_workers=IO_CONCURRENCY) as pool:
        for start in range(0, len(to_write), PROGRESS_EVERY_ITEMS):
            batch = list(pool.map(load, to_write[start : start + PROGRESS_EVERY_ITEMS]))
            chunked = [_chunk_document(item, settings.chunking, settings.language) for item in batch]
            documents += chunked
            indexed += [indexed_change(document) for document in chunked]
            chunks = sum(len(document.chunks) for document in chunked)
            generations.add_progress(task.source_id, task.generation_id, len(batch), chunks)
    prefix = source_prefix(task.tenant_id, task.source_id)
    ref = write_segment(segment_key(prefix, task.generation_id, 100 + task.slice.index), indexed, blobs, embedder)
    entries = _write_packs(task, prefix, documents, blobs, missing_since, ref.key if ref else None)
    key = slice_output_key(task.tenant_id, task.source_id, task.run_id, task.generation_id, task.slice.index)
    blobs.put_json(key, SliceOutput(segment=ref, items=entries).to_json_dict())
    return SliceResult(key=key, item_count=len(entries))


def combine_build(
    task: CombineTask,
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    generations: GenerationRepository,
    embedder: EmbeddingProvider | None,
) -> BuildResult:
    """The base manifest with the plan's deletions and tombstones and the slices' entries; the
    slices' segments (merged into one when there are several); the manifest's touched shards and root."""
    base_task = ApplyTask.model_validate(task.model_dump(exclude={"slices"}))
    slices = task.slices
    if slices is None:
        planned = plan_build(base_task, sources, blobs, generations)
        slices = [
            build_slice(SliceTask(**base_task.model_dump(), slice=spec), sources, items, blobs, generations, embedder)
            for spec in planned.slices
        ]
    source = sources.get(task.tenant_id, task.source_id)
    if source is None:
        raise NotFound(f"Source {task.source_id} is gone.")
    plan = _plan(blobs, task)
    settings = _settings(plan, source)
    rebuild = plan.rebuild_items is not None
    # A rebuild starts from nothing: every entry comes from its slices, nothing from the base.
    base, entries = open_manifest(blobs, task.tenant_id, task.source_id, None if rebuild else plan.base_generation_id)
    model = embedder.model_id if embedder else None
    if base is not None and (base.index is None or base.index.embedding_model != model):
        entries.load_all()  # the base index cannot serve this build: every item is indexed again
    entries.load(change.external_item_id for change in plan.changes)  # only the shards the change touches
    for change in [] if rebuild else plan.changes:
        if change.change in ("deleted", "purged"):
            entries.pop(change.external_item_id, None)
        elif change.change in ("tombstoned", "restored"):
            missing_since = change.missing_since if change.change == "tombstoned" else None
            entries[change.external_item_id] = entries[change.external_item_id].model_copy(
                update={"missing_since": missing_since}
            )
    outputs = parallel(lambda result: SliceOutput.model_validate(blobs.get_json(result.key)), slices)
    for output in outputs:
        for item_id, entry in output.items.items():
            entries[item_id] = entry
    prefix = source_prefix(task.tenant_id, task.source_id)

    def load_unindexed(item_id: str, entry: ManifestEntry) -> IndexedChange:
        return indexed_change(read_chunk_document(blobs, entry))

    index = build_index(
        task.generation_id,
        prefix,
        base.index if base else None,
        entries,
        [],
        blobs,
        embedder,
        settings.chunking.size,
        settings.chunking.overlap,
        load_unindexed,
        written=[output.segment for output in outputs if output.segment is not None],
    ).model_copy(update={"settings": settings})
    done = sum(len(output.items) for output in outputs)
    chunks = sum(entry.chunk_count for output in outputs for entry in output.items.values())
    progress = Progress(items_done=done, items_total=done, chunks_done=chunks, chunks_total=chunks)
    generations.report(task.source_id, task.generation_id, progress)
    shards = entries.write(blobs, prefix)
    manifest = Manifest(
        generation_id=task.generation_id,
        tenant_id=task.tenant_id,
        source_id=task.source_id,
        run_id=task.run_id,
        base_generation_id=plan.base_generation_id,
        staging_epoch=plan.staging_epoch,
        created_at=iso_now(),
        index=index,
        shard_count=entries.shard_count,
        shards=shards,
    )
    key = manifest_key(task.tenant_id, task.source_id, task.generation_id)
    blobs.put_json(key, manifest.to_json_dict())
    blobs.delete([result.key for result in slices])  # combined: the manifest holds their entries now
    summary = ManifestSummary(
        key=key,
        item_count=sum(ref.item_count for ref in shards),
        chunk_count=sum(ref.chunk_count for ref in shards),
        tombstone_count=sum(ref.tombstone_count for ref in shards),
        segment_count=len(index.segments),
        embedding_model=index.embedding_model,
    )
    return BuildResult(**base_task.model_dump(), manifest=summary)


def _chunk_document(item: StagedItem, chunking: Chunking, default_language: str | None) -> ChunkDocument:
    spans = item_chunks(item.title, item.content, chunking.size, chunking.overlap)
    locations = locate(spans, item.sections)
    return ChunkDocument(
        external_item_id=item.external_item_id,
        content_hash=item.content_hash_value,
        title=item.title,
        url=item.url,
        tags=item.tags,
        metadata=item.metadata,
        language=item.language or default_language,  # what the index analyses it as (docs/search.md)
        updated_at=item.updated_at,
        chunks=[
            Chunk(
                id=chunk_id(item.external_item_id, i, item.content_hash_value),
                position=i,
                text=span.text,
                location=ChunkLocation.of(location),
            )
            for i, (span, location) in enumerate(zip(spans, locations, strict=True))
        ],
    )


def _write_packs(
    task: SliceTask,
    prefix: str,
    documents: list[ChunkDocument],
    blobs: BlobStore,
    missing_since: dict[str, str],
    segment: str | None,
) -> dict[str, ManifestEntry]:
    """One chunk pack per manifest shard the slice's items fall in (kb.generations.chunk_packs),
    IO_CONCURRENCY writes in flight; each item's entry names its pack and line."""
    by_shard: dict[int, list[ChunkDocument]] = defaultdict(list)
    for document in documents:
        by_shard[shard_of(document.external_item_id, SHARD_COUNT)].append(document)

    def write(shard: int) -> dict[str, ManifestEntry]:
        key = pack_key(prefix, task.generation_id, task.slice.index, shard)
        body, ranges = pack(by_shard[shard])
        blobs.put_bytes(key, body)
        return {
            document.external_item_id: ManifestEntry(
                content_hash=document.content_hash,
                chunks_key=key,
                chunks_range=span,
                chunk_count=len(document.chunks),
                title=document.title,
                url=document.url,
                missing_since=missing_since.get(document.external_item_id),
                segment=segment,
            )
            for document, span in zip(by_shard[shard], ranges, strict=True)
        }

    entries: dict[str, ManifestEntry] = {}
    for written in parallel(write, sorted(by_shard)):
        entries.update(written)
    return {document.external_item_id: entries[document.external_item_id] for document in documents}  # slice order
