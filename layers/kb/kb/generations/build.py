"""Build an immutable generation from a run's plan: chunk documents and an index segment for what
changed, a manifest that reuses everything that did not."""

from concurrent.futures import ThreadPoolExecutor

from kb.blobs import BlobStore, chunks_key, manifest_key, plan_key, source_prefix
from kb.errors import NotFound, StalePlan
from kb.generations.chunking import chunk_id, chunk_text
from kb.generations.manifests import IO_CONCURRENCY, open_manifest
from kb.generations.models import (
    ApplyTask,
    BuildResult,
    Chunk,
    ChunkDocument,
    Manifest,
    ManifestEntry,
    ManifestSummary,
)
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now
from kb.items.models import StagedItem
from kb.items.repository import ContentGone, ItemRepository
from kb.runs.models import Progress, RunPlan
from kb.search.build import IndexedChange, build_index, indexed_change
from kb.search.embeddings import EmbeddingProvider
from kb.sources.models import Chunking
from kb.sources.repository import SourceRepository

# A progress write every so many items: a client sees movement without a write per item.
PROGRESS_EVERY_ITEMS = 50


def build_generation(
    task: ApplyTask,
    sources: SourceRepository,
    items: ItemRepository,
    blobs: BlobStore,
    generations: GenerationRepository,
    embedder: EmbeddingProvider | None,
) -> BuildResult:
    source = sources.get(task.tenant_id, task.source_id)
    if source is None:
        raise NotFound(f"Source {task.source_id} is gone.")
    plan = RunPlan.model_validate(blobs.get_json(plan_key(task.tenant_id, task.source_id, task.run_id)))
    base, entries = open_manifest(blobs, task.tenant_id, task.source_id, plan.base_generation_id)
    model = embedder.model_id if embedder else None
    if base is not None and (base.index is None or base.index.embedding_model != model):
        entries.load_all()  # the base index cannot serve this build: every item is indexed again
    entries.load(change.external_item_id for change in plan.changes)  # only the shards the change touches
    changed = [c.external_item_id for c in plan.changes if c.change in ("created", "updated")]
    progress = Progress(items_total=len(changed))
    generations.start(task.source_id, task.generation_id, progress)
    staged = items.get_many(task.source_id, changed)
    to_write: list[StagedItem] = []
    for change in plan.changes:
        if change.change in ("deleted", "purged"):
            entries.pop(change.external_item_id, None)
        elif change.change in ("tombstoned", "restored"):
            missing_since = change.missing_since if change.change == "tombstoned" else None
            entries[change.external_item_id] = entries[change.external_item_id].model_copy(
                update={"missing_since": missing_since}
            )
        else:
            item = staged.get(change.external_item_id)
            if item is None or item.state != "active" or item.content_hash_value != change.content_hash:
                raise StalePlan(f"Item {change.external_item_id} changed after the run; start a new run.")
            to_write.append(item)

    def write(item: StagedItem) -> tuple[ManifestEntry, ChunkDocument]:
        try:
            loaded = items.with_content(item)
        except ContentGone as error:  # replaced after we read it: this plan is stale
            raise StalePlan(f"Item {item.external_item_id} changed after the run; start a new run.") from error
        return _write_chunks(task, loaded, blobs, source.chunking)

    indexed: list[IndexedChange] = []
    # Chunk documents are written IO_CONCURRENCY at a time, a progress write after each batch.
    with ThreadPoolExecutor(max_workers=IO_CONCURRENCY) as pool:
        for start in range(0, len(to_write), PROGRESS_EVERY_ITEMS):
            batch = to_write[start : start + PROGRESS_EVERY_ITEMS]
            for item, (entry, document) in zip(batch, pool.map(write, batch), strict=True):
                entries[item.external_item_id] = entry
                indexed.append(indexed_change(document))
                progress = progress.model_copy(
                    update={
                        "items_done": progress.items_done + 1,
                        "chunks_total": progress.chunks_total + entry.chunk_count,
                    }
                )
            if start + len(batch) < len(to_write):
                generations.report(task.source_id, task.generation_id, progress)
    generations.report(task.source_id, task.generation_id, progress)
    prefix = source_prefix(task.tenant_id, task.source_id)

    def load_unindexed(item_id: str, entry: ManifestEntry) -> IndexedChange:
        return indexed_change(ChunkDocument.model_validate(blobs.get_json(entry.chunks_key)))

    index = build_index(
        task.generation_id,
        prefix,
        base.index if base else None,
        entries,
        indexed,
        blobs,
        embedder,
        source.chunking.size,
        source.chunking.overlap,
        load_unindexed,
    )
    generations.report(
        task.source_id, task.generation_id, progress.model_copy(update={"chunks_done": progress.chunks_total})
    )
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
    summary = ManifestSummary(
        key=key,
        item_count=sum(ref.item_count for ref in shards),
        chunk_count=sum(ref.chunk_count for ref in shards),
        tombstone_count=sum(ref.tombstone_count for ref in shards),
        segment_count=len(index.segments),
        embedding_model=index.embedding_model,
    )
    return BuildResult(**task.model_dump(), manifest=summary)


def _write_chunks(
    task: ApplyTask, item: StagedItem, blobs: BlobStore, chunking: Chunking
) -> tuple[ManifestEntry, ChunkDocument]:
    text = f"{item.title}\n\n{item.content}" if item.title else item.content
    texts = chunk_text(text, chunking.size, chunking.overlap)
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
    entry = ManifestEntry(
        content_hash=item.content_hash_value, chunks_key=key, chunk_count=len(texts), title=item.title, url=item.url
    )
    return entry, document
