"""The rules behind training that need no storage: what a rebuild plans, where rebuilt chunks are
stored, and which PATCH fields change how a source is built."""

from kb.generations.chunk_packs import pack_key, packs_prefix
from kb.generations.manifests import Entries
from kb.generations.models import ManifestEntry
from kb.runs.models import ItemChange
from kb.runs.service import _rebuild_items
from kb.sources.models import Source, UpdateSourceRequest


def entry(content_hash: str, missing_since: str | None = None) -> ManifestEntry:
    return ManifestEntry(
        content_hash=content_hash, chunks_key=f"k/{content_hash}", chunk_count=1, title="t", missing_since=missing_since
    )


def test_a_rebuild_plans_every_item_the_new_generation_holds_tombstones_included():
    # Given a generation with a, a tombstone b, and c; and a run updating a, deleting c, creating d
    base = Entries.whole({"a": entry("h1"), "b": entry("h2", "2026-11-01T00:00:00Z"), "c": entry("h3")})
    changes = [
        ItemChange(external_item_id="a", change="updated", content_hash="h1b"),
        ItemChange(external_item_id="c", change="deleted"),
        ItemChange(external_item_id="d", change="created", content_hash="h4"),
    ]
    # When the rebuild's items are planned
    planned = {c.external_item_id: c for c in _rebuild_items(base, changes)}
    # Then every item of the resulting generation is built afresh, with its tombstone kept
    assert sorted(planned) == ["a", "b", "d"]
    assert (planned["a"].change, planned["a"].content_hash) == ("updated", "h1b")
    assert planned["b"].missing_since == "2026-11-01T00:00:00Z"
    assert (planned["d"].change, planned["d"].content_hash) == ("created", "h4")


def test_chunk_packs_are_named_by_the_generation_that_wrote_them():
    # Given two builds of the same slice and shard (a rebuild with other settings, a retried apply)
    first, second = pack_key("p/", "gen_1", 0, 7), pack_key("p/", "gen_2", 0, 7)
    # Then neither overwrites the other's packs, and each generation's packs share its prefix
    assert first != second
    assert first.startswith(packs_prefix("p/", "gen_1")) and not second.startswith(packs_prefix("p/", "gen_1"))


def test_a_patch_changes_build_settings_only_when_they_differ():
    source = Source(id="src_1", tenant_id="t", name="n", grace_days=7, created_at="2026-11-01T00:00:00Z")
    # A patch restating the current chunking changes nothing of the build; a new size or language does
    same = UpdateSourceRequest.model_validate({"chunking": {"size": 1000, "overlap": 100}})
    assert same.build_settings_of(source) == {}
    finer = UpdateSourceRequest.model_validate({"chunking": {"size": 250, "overlap": 0}, "language": "de"})
    assert finer.build_settings_of(source) == {"chunking": {"size": 250, "overlap": 0}, "language": "de"}
    # And a name alone is no build setting
    assert UpdateSourceRequest.model_validate({"name": "x"}).build_settings_of(source) == {}
