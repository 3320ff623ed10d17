"""Items extracted from files carry their sections (pages, heading paths) on every path of the
staging set: big content and big sections kept in S3, batches, snapshots, tombstones, the hash."""

import json
from datetime import timedelta

from kb.files.models import DocumentSection
from kb.generations.build import build_generation
from kb.generations.models import ApplyTask, Generation
from kb.generations.repository import GenerationRepository, generation_key
from kb.ids import iso_now, utcnow
from kb.items.batch import stage_many
from kb.items.models import UpsertItemRequest
from kb.items.repository import INLINE_SECTIONS_LIMIT
from kb.items.service import delete_item, get_item, missing_decision, stage, upsert_decision, upsert_item
from kb.lifecycle.models import SweepTask
from kb.lifecycle.sweep import sweep_step
from kb.runs.models import Run, RunCounts, RunTask
from kb.runs.repository import RunRepository
from kb.runs.service import compute_run
from kb.search.loader import load_index
from kb.snapshots.service import begin_snapshot, commit_snapshot
from kb.webhooks.events import EventPublisher

DYNAMODB_RECORD_LIMIT = 400 * 1000


def document(pages: int, page_chars: int = 1500) -> tuple[str, list[DocumentSection]]:
    """A PDF-like text: one section per page, each under a two-level heading path."""
    text, sections = "", []
    for page in range(1, pages + 1):
        body = f"Page {page} explains the installation step number {page}. " * (page_chars // 55)
        start = len(text)
        text += body + "\n\n"
        heading = [f"Chapter {1 + (page - 1) // 10}: Installing and configuring", f"Step {page}"]
        sections.append(DocumentSection(start=start, end=start + len(body), page=page, heading_path=heading))
    return text, sections


def _upsert(items, sources, source, item_id, content, sections):
    request = UpsertItemRequest(external_item_id=item_id, title="Admin guide", content=content)
    return upsert_item(items, sources, source, request, sections=sections)


def _record(store, source, item_id) -> dict:
    record = store.table.get(f"SOURCE#{source.id}", f"ITEM#{item_id}")
    assert record is not None
    return record


def _stored(store, marker: str) -> list[str]:
    return [key for key in store.objects() if "/content/" in key and key.endswith(marker)]


def test_a_100_page_document_keeps_its_sections_within_one_record(store, items, sources, source):
    # Given a 100-page document (~150 KB of text, 100 sections with heading paths)
    content, sections = document(100)
    # When it is staged
    _upsert(items, sources, source, "guide", content, sections)
    # Then its content went to S3, its sections stayed in a record far below DynamoDB's limit,
    # and the item reads back with every section
    record = _record(store, source, "guide")
    assert record.get("contentRef") and not record.get("sectionsRef")
    assert len(json.dumps(record, default=str).encode()) < DYNAMODB_RECORD_LIMIT // 4
    item = get_item(items, source, "guide")
    assert (item.content, item.sections) == (content, sections)


def test_sections_too_big_for_a_record_are_kept_in_s3_and_read_back(store, items, sources, source):
    # Given a 1,000-page document: its sections alone are far over the inline limit
    content, sections = document(1000, page_chars=200)
    assert len(json.dumps([s.to_json_dict() for s in sections])) > INLINE_SECTIONS_LIMIT
    # When it is staged
    result = _upsert(items, sources, source, "manual", content, sections)
    # Then the record names an S3 object instead of holding them, and stays small
    record = _record(store, source, "manual")
    assert record["sections"] == [] and record["sectionsRef"].endswith(".json")
    assert len(json.dumps(record, default=str).encode()) < 10_000
    # And the upsert's answer and a read both give every section
    assert result.item.sections == sections
    assert get_item(items, source, "manual").sections == sections


def test_the_sections_are_part_of_the_content_hash(store, items, sources, source):
    # Given a staged document
    content, sections = document(3)
    first = _upsert(items, sources, source, "guide", content, sections)
    # When the same text comes again with the same sections, then with a page break moved
    same = _upsert(items, sources, source, "guide", content, sections)
    moved = [sections[0].model_copy(update={"end": sections[0].end - 10}), *sections[1:]]
    changed = _upsert(items, sources, source, "guide", content, moved)
    # Then the first is unchanged and the second an update with another hash
    assert (same.outcome, changed.outcome) == ("unchanged", "updated")
    assert changed.item.content_hash_value != first.item.content_hash_value
    assert get_item(items, source, "guide").sections == moved


def test_an_unchanged_upsert_of_offloaded_sections_answers_them(store, items, sources, source):
    content, sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "manual", content, sections)
    again = _upsert(items, sources, source, "manual", content, sections)
    assert (again.outcome, again.item.sections) == ("unchanged", sections)


def test_a_tombstone_keeps_its_sections_and_a_restore_brings_them_back(store, items, sources, source):
    # Given two documents, one with sections kept in S3
    small, small_sections = document(3)
    big, big_sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "small", small, small_sections)
    _upsert(items, sources, source, "big", big, big_sections)
    # When both go missing (as a snapshot commit does)
    for item_id in ("small", "big"):
        stage(items, sources, source, item_id, missing_decision)
    # Then they keep their sections, the S3 copy is the same object
    assert get_item(items, source, "small").sections == small_sections
    assert get_item(items, source, "big").sections == big_sections
    assert len(_stored(store, ".json")) == 1
    # And re-uploading the same document restores it with them
    assert _upsert(items, sources, source, "big", big, big_sections).outcome == "restored"
    assert get_item(items, source, "big").sections == big_sections
    assert len(_stored(store, ".json")) == 1  # the tombstone's copy went when the restore landed


def test_batches_stage_sections_inline_and_in_s3(store, items, sources, source):
    # Given a small and a big document staged through the batch path (as the file pipeline may)
    small, small_sections = document(3)
    big, big_sections = document(1000, page_chars=200)
    decisions = [
        (item_id, upsert_decision(source, UpsertItemRequest(external_item_id=item_id, content=text), sections))
        for item_id, text, sections in (("small", small, small_sections), ("big", big, big_sections))
    ]
    # When they are staged together
    results = stage_many(items, sources, source, decisions)
    # Then both were created in one transaction and read back with their sections
    assert [r.outcome for r in results] == ["created", "created"]
    assert get_item(items, source, "small").sections == small_sections
    assert get_item(items, source, "big").sections == big_sections


def test_a_snapshot_commit_that_tombstones_a_document_keeps_its_sections(store, items, sources, snapshots, source):
    # Given a staged document with big sections
    content, sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "manual", content, sections)
    # When a snapshot without it is committed
    snapshot = begin_snapshot(snapshots, sources, source)
    commit_snapshot(snapshots, sources, items, source, snapshot.id, allow_mass_deletion=True)
    # Then it is a tombstone that still has its sections
    item = get_item(items, source, "manual")
    assert (item.state, item.sections) == ("missing", sections)


def test_replacing_or_deleting_a_document_leaves_no_sections_behind(store, items, sources, source):
    content, sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "manual", content, sections)
    # Replaced by another layout: only the new sections object is left
    moved = [sections[0].model_copy(update={"page": 2}), *sections[1:]]
    _upsert(items, sources, source, "manual", content, moved)
    assert len(_stored(store, ".json")) == 1
    assert get_item(items, source, "manual").sections == moved
    # Replaced by a plain JSON item: none is left
    _upsert(items, sources, source, "manual", content, None)
    assert _stored(store, ".json") == [] and get_item(items, source, "manual").sections == []
    # Deleted: none either
    _upsert(items, sources, source, "manual", content, sections)
    delete_item(items, sources, source, "manual")
    assert _stored(store, ".json") == []


def test_the_sweep_keeps_sections_a_record_names(store, items, sources, snapshots, source):
    # Given a document whose sections are in S3
    content, sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "manual", content, sections)
    named = _stored(store, ".json")
    # When the sweep runs on the source's content, later than an object could be in flight
    task = SweepTask(tenant_id=source.tenant_id, source_id=source.id, kind="content")
    result = sweep_step(task, store.blobs, items, snapshots, lambda _: lambda: utcnow() + timedelta(days=2))
    # Then the sections object stays
    assert result.deleted == [] and _stored(store, ".json") == named


def test_a_document_with_sections_in_s3_is_built_with_its_pages_and_served_with_them(store, items, sources, source):
    # Given a long document whose content and sections are both kept in S3, computed into a run
    content, sections = document(1000, page_chars=200)
    _upsert(items, sources, source, "manual", content, sections)
    runs = RunRepository(store.table)
    runs.create(Run(id="run_1", source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now()))
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_1")
    compute_run(task, sources, items, runs, store.blobs, utcnow, EventPublisher(None, ""))
    # When its generation is built (plan, slices, combine, in this process)
    generations = GenerationRepository(store.table)
    generation = Generation(
        id="gen_1",
        source_id=source.id,
        tenant_id=source.tenant_id,
        run_id="run_1",
        status="queued",
        counts=RunCounts(),
        created_at=iso_now(),
    )
    store.table.put({**generation_key(source.id, "gen_1"), **generation.to_json_dict()})
    apply = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_1", generation_id="gen_1")
    build_generation(apply, sources, items, store.blobs, generations, None)
    # Then every chunk of the index knows its pages and heading path, consistent with its offsets
    index = load_index(store.blobs, source.tenant_id, source.id, "gen_1")
    located = [index.location(chunk) for chunk in range(index.chunk_count)]
    assert index.chunk_count > 100 and all(location is not None for location in located)
    by_page = {s.page: s for s in sections}
    for chunk, location in enumerate(located):
        assert location is not None and location.page is not None and location.page_end is not None
        first = by_page[location.page]
        assert first.start <= location.start + 2 and location.start < first.end + 2  # (a page break is 2 characters)
        assert location.heading_path == tuple(first.heading_path)
        assert "".join(content[location.start : location.end].split()) in "".join(index.chunk_texts[chunk].split())
