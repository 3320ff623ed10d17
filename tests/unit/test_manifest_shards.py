"""Sharded manifests: a small change reads and writes only the shards it touches, unchanged shards
are shared by content, and manifests of the old single-object layout still read (and retire)."""

from typing import Any

from kb.blobs import BlobStore
from kb.generations.manifests import SHARD_COUNT, Entries, all_entries, entries_of, item_count, shard_of
from kb.generations.models import Generation, Manifest, ManifestEntry
from kb.generations.service import _orphaned_keys
from kb.runs.models import RunCounts
from tests.unit.search_fixtures import MemoryS3


class CountingS3(MemoryS3):
    def __init__(self) -> None:
        super().__init__()
        self.gets: list[str] = []

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        self.gets.append(Key)
        return super().get_object(Bucket, Key)


def entry(item_id: str, version: int = 1, segment: str | None = "seg-1") -> ManifestEntry:
    return ManifestEntry(
        content_hash=f"h{version}", chunks_key=f"chunks/{item_id}/h{version}.json", chunk_count=2, title=item_id,
        segment=segment,
    )  # fmt: skip


def root(generation_id: str, entries: Entries, blobs: BlobStore) -> Manifest:
    shards = entries.write(blobs, "p/")
    manifest = Manifest(
        generation_id=generation_id, tenant_id="t", source_id="s", run_id="r", base_generation_id=None,
        staging_epoch=1, created_at="2026-01-01T00:00:00Z", shard_count=entries.shard_count, shards=shards,
    )  # fmt: skip
    blobs.put_json(f"roots/{generation_id}.json", manifest.to_json_dict())
    return manifest


def thousand_items() -> tuple[BlobStore, CountingS3, Manifest]:
    s3 = CountingS3()
    blobs = BlobStore(s3, "b")
    first = root("gen1", Entries.whole({f"item-{i}": entry(f"item-{i}") for i in range(1000)}), blobs)
    s3.gets.clear()
    s3.puts.clear()
    return blobs, s3, first


def test_a_small_change_reads_and_writes_only_the_shard_it_touches():
    # Given a sharded manifest of 1,000 items
    blobs, s3, first = thousand_items()
    # When one item is updated through its entries
    entries = entries_of(blobs, first)
    entries.load(["item-5"])
    entries["item-5"] = entry("item-5", version=2)
    second = root("gen2", entries, blobs)
    # Then one shard was read and one written; every other shard object is the predecessor's
    shard = shard_of("item-5", SHARD_COUNT)
    new_key = next(ref.key for ref in second.shards or [] if ref.index == shard)
    assert len(s3.gets) == 1
    assert [key for key in s3.puts if key.startswith("p/manifests/")] == [new_key]
    before = {ref.index: ref.key for ref in first.shards or []}
    after = {ref.index: ref.key for ref in second.shards or []}
    assert {i for i in before if before[i] != after[i]} == {shard}
    assert item_count(second) == 1000
    assert all_entries(blobs, second)["item-5"].content_hash == "h2"


def test_equal_shards_are_one_object():
    # Given a manifest, When the same entries are written again, Then no shard gets a new key
    blobs, _, first = thousand_items()
    again = root("gen2", Entries.whole(all_entries(blobs, first)), blobs)
    assert again.shards == first.shards


def test_a_manifest_of_the_old_layout_is_read_whole_and_rewritten_sharded():
    # Given a generation written before sharding (every entry in the root)
    s3 = CountingS3()
    blobs = BlobStore(s3, "b")
    items = {f"item-{i}": entry(f"item-{i}") for i in range(50)}
    old = Manifest(
        generation_id="gen0", tenant_id="t", source_id="s", run_id="r", base_generation_id=None,
        staging_epoch=1, created_at="2026-01-01T00:00:00Z", items=items,
    )  # fmt: skip
    old = Manifest.model_validate(old.to_json_dict())
    # When it is opened, Then its entries are all there without a read, and a build on it writes shards
    entries = entries_of(blobs, old)
    assert dict(entries.items()) == items and s3.gets == [] and item_count(old) == 50
    entries["item-1"] = entry("item-1", version=2)
    new = root("gen1", entries, blobs)
    assert all_entries(blobs, new) == {**items, "item-1": entry("item-1", version=2)}


def test_live_chunk_counts_follow_every_write_without_reading_the_manifest():
    # Given 1,000 items of 2 chunks in seg-1, counted in the root
    blobs, _, first = thousand_items()
    entries = entries_of(blobs, first)
    entries.segment_live = {"seg-1": 2000}
    # When one item moves to seg-2 and another is deleted
    entries["item-1"] = entry("item-1", 2, segment="seg-2")
    del entries["item-2"]
    # Then the counts moved with them
    assert entries.segment_live == {"seg-1": 1996, "seg-2": 2}


def generation(generation_id: str) -> Generation:
    return Generation.model_validate(
        {"id": generation_id, "sourceId": "s", "tenantId": "t", "runId": "r", "counts": RunCounts().to_json_dict(),
         "createdAt": "t", "manifest": {"key": f"roots/{generation_id}.json", "itemCount": 0, "chunkCount": 0}}
    )  # fmt: skip


def test_retiring_a_generation_reads_and_deletes_only_what_it_does_not_share():
    # Given gen2 that changed one item of gen1
    blobs, s3, first = thousand_items()
    entries = entries_of(blobs, first)
    entries["item-5"] = entry("item-5", version=2)
    root("gen2", entries, blobs)
    s3.gets.clear()
    # When gen1 is retired and gen2 kept
    orphaned = _orphaned_keys(blobs, [generation("gen2")], [generation("gen1")])
    # Then only item-5's old chunks and gen1's copy of its shard go, after reading that shard on both sides
    shard = shard_of("item-5", SHARD_COUNT)
    old_shard = next(ref.key for ref in first.shards or [] if ref.index == shard)
    assert orphaned == sorted(["chunks/item-5/h1.json", old_shard])
    assert len([key for key in s3.gets if key.startswith("p/manifests/")]) == 2


def packed(item_id: str, pack: str, start: int) -> ManifestEntry:
    return ManifestEntry(
        content_hash=f"h-{pack}", chunks_key=pack, chunks_range=(start, start + 10), chunk_count=1, title=item_id,
        segment="seg-1",
    )  # fmt: skip


def test_a_chunk_pack_outlives_a_retired_generation_while_an_unchanged_item_still_reads_it():
    # Given gen1 whose items x and y (one shard) share a pack, and gen2 that changed x only
    x = "item-0"
    y = next(f"item-{i}" for i in range(1, 10_000) if shard_of(f"item-{i}", SHARD_COUNT) == shard_of(x, SHARD_COUNT))
    blobs = BlobStore(MemoryS3(), "b")
    root("gen1", Entries.whole({x: packed(x, "packs/gen1/0-s", 0), y: packed(y, "packs/gen1/0-s", 10)}), blobs)
    root("gen2", Entries.whole({x: packed(x, "packs/gen2/0-s", 0), y: packed(y, "packs/gen1/0-s", 10)}), blobs)
    # When gen1 is retired and gen2 kept
    orphaned = _orphaned_keys(blobs, [generation("gen2")], [generation("gen1")])
    # Then gen1's pack stays (y reads it) and only gen1's copy of the shard goes
    assert not [key for key in orphaned if key.startswith("packs/")]
    # And once gen3 changes y too, retiring gen2 removes both packs no kept generation reads
    root("gen3", Entries.whole({x: packed(x, "packs/gen2/0-s", 0), y: packed(y, "packs/gen3/0-s", 0)}), blobs)
    orphaned = _orphaned_keys(blobs, [generation("gen3")], [generation("gen2")])
    assert [key for key in orphaned if key.startswith("packs/")] == ["packs/gen1/0-s"]
