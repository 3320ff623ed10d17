"""Chunk packs: a build slice writes its items' chunk documents as one object per manifest shard,
and every reader finds an item's document by its entry's byte range."""

from kb.generations.build import build_generation
from kb.generations.chunk_packs import pack, read_chunk_document
from kb.generations.manifests import SHARD_COUNT, open_manifest, shard_of
from kb.generations.models import ApplyTask, ChunkDocument, Generation, ManifestEntry
from kb.generations.repository import GenerationRepository, generation_key
from kb.ids import iso_now, utcnow
from kb.items.models import UpsertItemRequest
from kb.items.published import published_item
from kb.items.service import upsert_item
from kb.runs.models import Run, RunCounts, RunTask
from kb.runs.repository import RunRepository
from kb.runs.service import compute_run
from kb.webhooks.events import EventPublisher


def chunk_document(item_id: str, text: str) -> ChunkDocument:
    return ChunkDocument.model_validate(
        {
            "externalItemId": item_id,
            "contentHash": f"h-{item_id}",
            "title": item_id,
            "url": None,
            "tags": ["ünïcode"],
            "metadata": {},
            "language": None,
            "chunks": [{"id": f"{item_id}-0", "position": 0, "text": text}],
        }
    )


def test_each_item_of_a_pack_reads_back_as_its_own_document(store):
    # Given three documents packed into one object (non-ASCII text: ranges count bytes)
    documents = [chunk_document(name, f"{name}: naïve text, 日本語") for name in ("a", "b", "c")]
    body, ranges = pack(documents)
    store.blobs.put_bytes("p/chunks/packs/gen_1/0-7.jsonl", body)
    # When each is read through its entry's range
    entries = [
        ManifestEntry(
            content_hash="h", chunks_key="p/chunks/packs/gen_1/0-7.jsonl", chunks_range=r, chunk_count=1, title=""
        )
        for r in ranges
    ]
    # Then each is exactly its document
    assert [read_chunk_document(store.blobs, entry) for entry in entries] == documents


def test_an_entry_without_a_range_reads_its_whole_object(store):
    # Given a chunk document written alone, as builds wrote them before packs
    document = chunk_document("old", "Written before packs.")
    store.blobs.put_json("p/chunks/abc/h-old.json", document.to_json_dict())
    # When its entry (no range) is read
    entry = ManifestEntry(content_hash="h-old", chunks_key="p/chunks/abc/h-old.json", chunk_count=1, title="old")
    # Then the whole object is its document
    assert read_chunk_document(store.blobs, entry) == document


def test_a_build_writes_one_pack_per_shard_and_every_item_is_served_from_it(store, items, sources, source):
    # Given 40 items computed into a run
    for i in range(40):
        request = UpsertItemRequest(
            external_item_id=f"item-{i}", title=f"Item {i}", content=f"Item {i} explains refunds."
        )
        upsert_item(items, sources, source, request)
    runs = RunRepository(store.table)
    runs.create(Run(id="run_1", source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now()))
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_1")
    compute_run(task, sources, items, runs, store.blobs, utcnow, EventPublisher(None, ""))
    # When its generation is built
    generation = Generation(
        id="gen_1", source_id=source.id, tenant_id=source.tenant_id, run_id="run_1", status="queued",
        counts=RunCounts(), created_at=iso_now(),
    )  # fmt: skip
    store.table.put({**generation_key(source.id, "gen_1"), **generation.to_json_dict()})
    apply = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_1", generation_id="gen_1")
    build_generation(apply, sources, items, store.blobs, GenerationRepository(store.table), None)
    # Then the chunk objects are one pack per shard the items fall in, none per item
    chunk_objects = [key for key in store.objects() if "/chunks/" in key]
    shards = {shard_of(f"item-{i}", SHARD_COUNT) for i in range(40)}
    assert len(chunk_objects) == len(shards) < 40
    assert all("/chunks/packs/gen_1/" in key for key in chunk_objects)
    # And each item's entry names the pack of its shard, whose range holds its own document
    _, entries = open_manifest(store.blobs, source.tenant_id, source.id, "gen_1")
    entries.load_all()
    for i in range(40):
        entry = entries[f"item-{i}"]
        assert entry.chunks_key.endswith(f"-{shard_of(f'item-{i}', SHARD_COUNT)}.jsonl")
        assert read_chunk_document(store.blobs, entry).chunks[0].text.endswith(f"Item {i} explains refunds.")
    # And the published view of an item reads it back through its range
    serving = source.model_copy(update={"current_generation_id": "gen_1"})
    assert published_item(store.blobs, serving, "item-7").text.endswith("Item 7 explains refunds.")
