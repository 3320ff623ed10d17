"""The index half of an apply: one segment per change, reuse, compaction, re-indexing."""

from kb.generations.manifests import Entries
from kb.generations.models import IndexInfo, SegmentRef
from kb.search import build
from kb.search.build import build_index
from kb.search.index import LivePart, SearchIndex
from kb.search.segments import Segment
from tests.unit.search_fixtures import CountingEmbedder, change, entry, memory_blobs


def never_unindexed(item_id, _entry):
    raise AssertionError(f"{item_id} should not need re-indexing")


def first_generation(blobs, embedder=None):
    entries = Entries.whole({"a": entry(), "b": entry()})
    info = build_index(
        "gen1",
        "p/",
        None,
        entries,
        [change("a", "refund money"), change("b", "shipping parcel")],
        blobs,
        embedder,
        1000,
        100,
        never_unindexed,
    )
    return info, entries


def served(blobs, info, entries):
    parts = [
        LivePart(
            Segment.from_bytes(blobs.get_bytes(ref.key)),
            {i: (e.content_hash, e.missing_since) for i, e in entries.items() if e.segment == ref.key},
        )
        for ref in info.segments
    ]
    index = SearchIndex("src", "gen", parts)
    return sorted(entry.item.external_item_id for entry in index.items)


def test_a_change_writes_one_segment_and_reuses_the_base_ones():
    # Given a first generation of two items
    blobs, s3 = memory_blobs()
    base, entries = first_generation(blobs)
    s3.puts.clear()
    # When one item changes and one is added
    entries["a"], entries["c"] = entry("h2"), entry()
    info = build_index(
        "gen2",
        "p/",
        base,
        entries,
        [change("a", "refund updated", "h2"), change("c", "password")],
        blobs,
        None,
        1000,
        100,
        never_unindexed,
    )
    # Then only the change's segment was written, and the base segment still serves b
    assert s3.puts == ["p/segments/gen2-0.npz"]
    assert [ref.key for ref in info.segments] == ["p/segments/gen1-0.npz", "p/segments/gen2-0.npz"]
    assert (entries["a"].segment, entries["b"].segment) == ("p/segments/gen2-0.npz", "p/segments/gen1-0.npz")
    assert served(blobs, info, entries) == ["a", "b", "c"]


def test_an_apply_that_only_deletes_writes_no_segment():
    blobs, s3 = memory_blobs()
    base, entries = first_generation(blobs)
    s3.puts.clear()
    del entries["b"]
    info = build_index("gen2", "p/", base, entries, [], blobs, None, 1000, 100, never_unindexed)
    assert s3.puts == [] and served(blobs, info, entries) == ["a"]


def test_too_many_segments_merge_the_smallest_ones(monkeypatch):
    # Given at most 2 segments, and a base of one big segment plus one small
    monkeypatch.setattr(build, "MAX_SEGMENTS", 2)
    blobs, _ = memory_blobs()
    base, entries = first_generation(blobs)
    entries["c"] = entry()
    info = build_index("gen2", "p/", base, entries, [change("c", "password")], blobs, None, 1000, 100, never_unindexed)
    assert len(info.segments) == 2
    # When a third segment arrives
    entries["d"] = entry()
    info = build_index("gen3", "p/", info, entries, [change("d", "parcel")], blobs, None, 1000, 100, never_unindexed)
    # Then the two smallest became one merged segment; the big base was left alone
    assert [ref.key for ref in info.segments] == ["p/segments/gen1-0.npz", "p/segments/gen3-1.npz"]
    assert served(blobs, info, entries) == ["a", "b", "c", "d"]


def test_a_segment_mostly_dead_is_compacted_away():
    blobs, _ = memory_blobs()
    base, entries = first_generation(blobs)
    # When both base items are replaced, the base segment is wholly dead and drops out
    entries["a"], entries["b"] = entry("h2"), entry("h2")
    changes = [change("a", "refund v2", "h2"), change("b", "shipping v2", "h2")]
    info = build_index("gen2", "p/", base, entries, changes, blobs, None, 1000, 100, never_unindexed)
    assert [ref.key for ref in info.segments] == ["p/segments/gen2-0.npz"]


def test_more_dead_than_live_chunks_merges_everything():
    blobs, _ = memory_blobs()
    entries = Entries.whole({f"i{n}": entry() for n in range(4)})
    base = build_index(
        "gen1",
        "p/",
        None,
        entries,
        [change(f"i{n}", f"text {n}") for n in range(4)],
        blobs,
        None,
        1000,
        100,
        never_unindexed,
    )
    # When two items are deleted and one replaced: 3 dead chunks against 2 live ones
    del entries["i0"], entries["i1"]
    entries["i2"] = entry("h2")
    info = build_index(
        "gen2", "p/", base, entries, [change("i2", "text 2 v2", "h2")], blobs, None, 1000, 100, never_unindexed
    )
    # Then everything is merged into one segment holding only the live chunks
    assert [(ref.key, ref.chunk_count) for ref in info.segments] == [("p/segments/gen2-1.npz", 2)]
    assert served(blobs, info, entries) == ["i2", "i3"]


def test_merging_carries_embeddings_over_instead_of_embedding_again(monkeypatch):
    monkeypatch.setattr(build, "MAX_SEGMENTS", 1)
    blobs, _ = memory_blobs()
    embedder = CountingEmbedder()
    base, entries = first_generation(blobs, embedder)
    entries["c"] = entry()
    info = build_index(
        "gen2", "p/", base, entries, [change("c", "password")], blobs, embedder, 1000, 100, never_unindexed
    )
    assert embedder.embedded == ["refund money", "shipping parcel", "password"]  # nothing twice
    merged = Segment.from_bytes(blobs.get_bytes(info.segments[0].key))
    assert merged.embeddings is not None and merged.embeddings.shape == (3, 6)


def test_a_base_embedded_with_another_model_is_re_indexed_from_its_chunks():
    blobs, _ = memory_blobs()
    base, entries = first_generation(blobs)  # no embeddings
    reloaded = []

    def from_chunks(item_id, _entry):
        reloaded.append(item_id)
        return change(item_id, f"reloaded {item_id}")

    info = build_index("gen2", "p/", base, entries, [], blobs, CountingEmbedder(), 1000, 100, from_chunks)
    assert sorted(reloaded) == ["a", "b"]
    assert info.embedding_model == "counting-test-model" and len(info.segments) == 1


def test_segment_refs_are_stored_in_the_manifest_shape():
    info = IndexInfo(
        segments=[SegmentRef(key="k", chunk_count=2, item_count=1)],
        embedding_model=None,
        chunk_size=1000,
        chunk_overlap=100,
    )
    assert info.to_json_dict()["segments"] == [{"key": "k", "chunkCount": 2, "itemCount": 1, "liveChunkCount": None}]


def test_a_generation_built_before_indexes_existed_is_indexed_from_its_chunks_on_load():
    from kb.blobs import manifest_key
    from kb.generations.models import Chunk, ChunkDocument, Manifest, ManifestEntry
    from kb.search.loader import load_index

    # Given a manifest with no index, and the item's chunk document
    blobs, _ = memory_blobs()
    document = ChunkDocument(
        external_item_id="a",
        content_hash="h1",
        title="Refunds",
        url=None,
        tags=[],
        metadata={},
        language=None,
        chunks=[Chunk(id="chk_a", position=0, text="Refunds take 14 days.")],
    )
    blobs.put_json("chunks/a.json", document.to_json_dict())
    entry = ManifestEntry(content_hash="h1", chunks_key="chunks/a.json", chunk_count=1, title="Refunds")
    manifest = Manifest(
        generation_id="g",
        tenant_id="t",
        source_id="s",
        run_id="r",
        base_generation_id=None,
        staging_epoch=1,
        created_at="2026-01-01T00:00:00Z",
        items={"a": entry},
    )
    blobs.put_json(manifest_key("t", "s", "g"), manifest.to_json_dict())
    # When it is loaded for search, then it serves its chunk by keyword
    index = load_index(blobs, "t", "s", "g")
    assert (index.chunk_ids, index.embeddings) == (["chk_a"], None)
    assert index.keyword_scores("refund")[0] > 0
