"""Sharded manifests: a generation's applied state as a small root and content-addressed shards.

An item lives in shard `sha256(externalItemId) mod shard_count`. The root names each non-empty
shard's object by the hash of its content, so a generation reuses every shard its change did not
touch, and a small change reads and writes only the shards it touches. Generations written before
sharding hold every entry in the root's `items`; they are read whole, as they always were."""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor

from kb.blobs import BlobStore, manifest_key, manifest_shard_key
from kb.generations.models import Manifest, ManifestEntry, ManifestShard, SegmentRef, ShardRef

# 256 shards: 20,000 items are ~80 per shard (~35 KB), 1,000,000 about 4,000 (~1.7 MB).
SHARD_COUNT = 256
# S3 requests a build or run keeps in flight (boto3's pool holds 10 connections by default;
# the extra wait briefly for one).
IO_CONCURRENCY = 16


def parallel[T, R](function: Callable[[T], R], inputs: Iterable[T]) -> list[R]:
    """`map` over S3 calls with a bounded pool; results in input order, the first error raised."""
    inputs = list(inputs)
    if len(inputs) <= 1:
        return [function(x) for x in inputs]
    with ThreadPoolExecutor(max_workers=min(IO_CONCURRENCY, len(inputs))) as pool:
        return list(pool.map(function, inputs))


def shard_of(item_id: str, shard_count: int) -> int:
    return int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % shard_count


class Entries(MutableMapping[str, ManifestEntry]):
    """A manifest's entries as a build or a run works on them: loaded shard by shard on demand
    (iteration sees the loaded shards only), every write marking its shard dirty and keeping each
    index segment's live chunk count, so nobody needs the whole manifest to know them."""

    def __init__(
        self,
        blobs: BlobStore | None,
        shard_count: int,
        refs: dict[int, ShardRef],
        loaded: dict[int, dict[str, ManifestEntry]],
        segment_live: dict[str, int],
    ) -> None:
        self.blobs = blobs
        self.shard_count = shard_count
        self.refs = refs
        self.shards = loaded
        self.segment_live = segment_live
        self.dirty: set[int] = set()

    @classmethod
    def whole(cls, items: dict[str, ManifestEntry], shard_count: int = SHARD_COUNT) -> "Entries":
        """Every entry in memory (a manifest of the old layout, or none: a first build)."""
        shards: dict[int, dict[str, ManifestEntry]] = {index: {} for index in range(shard_count)}
        live: dict[str, int] = {}
        for item_id, entry in items.items():
            shards[shard_of(item_id, shard_count)][item_id] = entry
            if entry.segment is not None:
                live[entry.segment] = live.get(entry.segment, 0) + entry.chunk_count
        entries = cls(None, shard_count, {}, shards, live)
        entries.dirty = {index for index, shard in shards.items() if shard}  # none is stored in this layout yet
        return entries

    def load(self, item_ids: Iterable[str]) -> None:
        self.load_shards({shard_of(item_id, self.shard_count) for item_id in item_ids})

    def load_all(self) -> None:
        self.load_shards(range(self.shard_count))

    def load_shards(self, indexes: Iterable[int]) -> None:
        missing = sorted(set(indexes) - self.shards.keys())
        stored = [index for index in missing if index in self.refs]
        for index in missing:
            self.shards[index] = {}
        for index, shard in zip(stored, parallel(self._read, stored), strict=True):
            self.shards[index] = dict(shard.items)

    def _read(self, index: int) -> ManifestShard:
        assert self.blobs is not None  # only a stored manifest has refs
        return ManifestShard.model_validate(self.blobs.get_json(self.refs[index].key))

    def _shard(self, item_id: str) -> dict[str, ManifestEntry]:
        index = shard_of(item_id, self.shard_count)
        if index not in self.shards:
            self.load_shards([index])
        return self.shards[index]

    def _count(self, entry: ManifestEntry | None, sign: int) -> None:
        if entry is not None and entry.segment is not None:
            self.segment_live[entry.segment] = self.segment_live.get(entry.segment, 0) + sign * entry.chunk_count

    def __getitem__(self, item_id: str) -> ManifestEntry:
        return self._shard(item_id)[item_id]

    def __setitem__(self, item_id: str, entry: ManifestEntry) -> None:
        shard = self._shard(item_id)
        self._count(shard.get(item_id), -1)
        self._count(entry, +1)
        shard[item_id] = entry
        self.dirty.add(shard_of(item_id, self.shard_count))

    def __delitem__(self, item_id: str) -> None:
        shard = self._shard(item_id)
        self._count(shard.pop(item_id), -1)
        self.dirty.add(shard_of(item_id, self.shard_count))

    def __iter__(self) -> Iterator[str]:
        for shard in list(self.shards.values()):
            yield from shard

    def __len__(self) -> int:
        """Entries loaded (see `item_count` for the manifest's)."""
        return sum(len(shard) for shard in self.shards.values())

    def live_chunks(self, segments: list[SegmentRef]) -> dict[str, int]:
        return {ref.key: self.segment_live.get(ref.key, 0) for ref in segments}

    def write(self, blobs: BlobStore, prefix: str) -> list[ShardRef]:
        """Store the dirty shards (an emptied one drops out) and return every shard's reference."""
        refs = dict(self.refs)
        changed: list[tuple[int, dict[str, object]]] = []
        for index in sorted(self.dirty):
            shard = self.shards[index]
            refs.pop(index, None)
            if shard:
                changed.append((index, ManifestShard(items=dict(sorted(shard.items()))).to_json_dict()))

        def put(pair: tuple[int, dict[str, object]]) -> ShardRef:
            index, document = pair
            body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
            key = manifest_shard_key(prefix, hashlib.sha256(body).hexdigest()[:40])
            blobs.put_json(key, document)
            shard = self.shards[index]
            return ShardRef(
                index=index,
                key=key,
                item_count=len(shard),
                chunk_count=sum(entry.chunk_count for entry in shard.values()),
                tombstone_count=sum(1 for entry in shard.values() if entry.missing_since),
            )

        refs.update({ref.index: ref for ref in parallel(put, changed)})
        self.refs, self.dirty = refs, set()
        return [refs[index] for index in sorted(refs)]


def open_manifest(
    blobs: BlobStore, tenant_id: str, source_id: str, generation_id: str | None
) -> tuple[Manifest | None, Entries]:
    """A generation's root and its entries (nothing loaded yet, unless the old layout holds them all)."""
    if generation_id is None:
        return None, Entries.whole({})
    root = Manifest.model_validate(blobs.get_json(manifest_key(tenant_id, source_id, generation_id)))
    return root, entries_of(blobs, root)


def entries_of(blobs: BlobStore, root: Manifest) -> Entries:
    if root.shard_count is None or root.shards is None:
        return Entries.whole(root.items)
    live = {
        ref.key: ref.live_chunk_count for ref in (root.index.segments if root.index else []) if ref.live_chunk_count
    }
    return Entries(blobs, root.shard_count, {ref.index: ref for ref in root.shards}, {}, dict(live))


def all_entries(blobs: BlobStore, root: Manifest) -> dict[str, ManifestEntry]:
    """Every entry of a generation (serving and full rebuilds need them all)."""
    entries = entries_of(blobs, root)
    entries.load_all()
    return dict(entries.items())


def item_count(root: Manifest) -> int:
    return len(root.items) if root.shards is None else sum(ref.item_count for ref in root.shards)
