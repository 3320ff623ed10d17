"""S3 lifecycle: run plans expire (and their runs answer run_expired), retention deletes what a
failed build wrote, and the sweep deletes old content no record names."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from kb.blobs import RUN_PLAN_TAG, content_key, manifest_key, plan_key, segment_key, snapshot_content_key, source_prefix
from kb.cursors import CursorCodec
from kb.errors import RunExpired
from kb.generations.models import ApplyTask, Generation, Manifest, ManifestSummary
from kb.generations.repository import GenerationRepository, generation_key
from kb.generations.service import apply_run, retain_generations
from kb.ids import iso_now, utcnow
from kb.items.models import UpsertItemRequest
from kb.items.repository import INLINE_CONTENT_LIMIT
from kb.items.service import upsert_item
from kb.lifecycle.models import SweepTask
from kb.lifecycle.sweep import sweep_step
from kb.runs.models import Run, RunCounts, RunTask
from kb.runs.repository import RunRepository
from kb.runs.service import compute_run, list_changes
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import add_page, begin_snapshot
from kb.webhooks.events import EventPublisher

BIG = "big content. " * (INLINE_CONTENT_LIMIT // 10)  # offloaded to S3
RETENTION_DAYS = 30


def later(days: float):
    return lambda: utcnow() + timedelta(days=days)


def backdate(store, key: str, days: float) -> None:
    """The emulator's LastModified, as if the object had been written `days` ago."""
    stored = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].get_object(store.blobs.bucket, key)
    assert stored is not None
    stored.last_modified = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)


@pytest.fixture
def runs(store) -> RunRepository:
    return RunRepository(store.table)


@pytest.fixture
def planned_run(store, items, sources, source, runs) -> Run:
    """A succeeded run of one created item, computed by the run task (so its plan is written as in AWS)."""
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="faq", content="hello"))
    run = Run(id="run_1", source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now())
    runs.create(run)
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
    return compute_run(task, sources, items, runs, store.blobs, utcnow, EventPublisher(None, ""))


def test_a_run_plan_is_written_with_the_tag_its_lifecycle_rule_expires(store, planned_run):
    # Given a run the run task computed
    key = plan_key(planned_run.tenant_id, planned_run.source_id, planned_run.id)
    # Then its plan carries the tag of the bucket's expiry rule
    tags = store.s3.get_object_tagging(Bucket=store.blobs.bucket, Key=key)["TagSet"]
    assert [f"{t['Key']}={t['Value']}" for t in tags] == [RUN_PLAN_TAG]


def _changes(store, runs, source, run_id: str, clock) -> Any:
    return list_changes(runs, store.blobs, CursorCodec("k"), source, run_id, 10, None, clock, RETENTION_DAYS)


def test_a_run_younger_than_the_plan_retention_lists_its_changes(store, runs, source, planned_run):
    page = _changes(store, runs, source, planned_run.id, later(RETENTION_DAYS - 1))
    assert [c.external_item_id for c in page.changes] == ["faq"]


def test_a_run_as_old_as_the_plan_retention_is_expired(store, runs, source, planned_run):
    # When its changes are listed on a source clock 30 days on, then the run has expired
    with pytest.raises(RunExpired):
        _changes(store, runs, source, planned_run.id, later(RETENTION_DAYS))


def test_a_run_whose_plan_is_gone_is_expired(store, runs, source, planned_run):
    # Given the plan was deleted (as the lifecycle rule does, or by hand)
    store.blobs.delete([plan_key(source.tenant_id, source.id, planned_run.id)])
    # When its changes are listed, then the run has expired
    with pytest.raises(RunExpired):
        _changes(store, runs, source, planned_run.id, utcnow)


def test_an_expired_run_cannot_be_applied(store, runs, items, sources, source, planned_run):
    # When the run is applied on a source clock 30 days on, then it is refused before anything starts
    with pytest.raises(RunExpired):
        apply_run(
            runs,
            sources,
            items,
            GenerationRepository(store.table),
            None,  # type: ignore[arg-type]  # never reached
            "",
            source,
            planned_run.id,
            0,
            300,
            later(RETENTION_DAYS),
            RETENTION_DAYS,
        )


def _generation(store, source, generation_id: str, status: str, manifest: Manifest | None) -> None:
    summary = None
    if manifest is not None:
        key = manifest_key(source.tenant_id, source.id, generation_id)
        store.blobs.put_json(key, manifest.to_json_dict())
        summary = ManifestSummary(key=key, item_count=0, chunk_count=0)
    generation = Generation(
        id=generation_id,
        source_id=source.id,
        tenant_id=source.tenant_id,
        run_id="run_1",
        status=status,
        counts=RunCounts(),
        manifest=summary,
        created_at=iso_now(),
    )
    store.table.put({**generation_key(source.id, generation_id), **generation.to_json_dict()})


def test_retention_deletes_what_an_old_failed_build_wrote_and_nothing_a_retained_manifest_names(store, sources, source):
    # Given a published generation whose manifest names its own segment and one a failed build
    # wrote (a retained manifest is never second-guessed), and two failed builds after it that
    # each wrote segments and a manifest part
    prefix = source_prefix(source.tenant_id, source.id)
    shared = segment_key(prefix, "gen_2", 1)
    published = Manifest.model_validate(
        {
            "generationId": "gen_1",
            "tenantId": source.tenant_id,
            "sourceId": source.id,
            "runId": "run_1",
            "baseGenerationId": None,
            "stagingEpoch": 0,
            "createdAt": iso_now(),
            "items": {},
            "index": {
                "segments": [
                    {"key": segment_key(prefix, "gen_1", 0), "chunkCount": 1, "itemCount": 1},
                    {"key": shared, "chunkCount": 1, "itemCount": 1},
                ],
                "embeddingModel": None,
                "chunkSize": 800,
                "chunkOverlap": 100,
            },
        }
    )
    _generation(store, source, "gen_1", "succeeded", published)
    for failed in ("gen_2", "gen_3"):
        _generation(store, source, failed, "failed", None)
        for number in (0, 1):
            store.blobs.put_bytes(segment_key(prefix, failed, number), b"npz")
        store.blobs.put_json(f"{prefix}generations/{failed}/part-0.json", {})
    store.blobs.put_bytes(segment_key(prefix, "gen_1", 0), b"npz")
    before = set(store.objects())
    # When retention keeps one of each (the newest failed build, gen_3, stays to be looked at)
    task = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_1", generation_id="gen_1")
    store.table.update(
        f"TENANT#{source.tenant_id}", f"SOURCE#{source.id}", "SET currentGenerationId = :g", values={":g": "gen_1"}
    )
    removed = retain_generations(task, sources, GenerationRepository(store.table), store.blobs, keep=1)
    # Then gen_2 went with what it wrote, except the segment the retained manifest names
    assert removed == ["gen_2"]
    assert before - set(store.objects()) == {segment_key(prefix, "gen_2", 0), f"{prefix}generations/gen_2/part-0.json"}


def _drain(store, items, snapshots, clock, first: SweepTask, page_size: int = 1000) -> list[str]:
    """Run every step the sweep queues, as the queue would, until none is left."""
    queue, deleted = [first], []
    while queue:
        result = sweep_step(queue.pop(0), store.blobs, items, snapshots, lambda _: clock, page_size=page_size)
        queue.extend(result.follow_ups)
        deleted.extend(result.deleted)
    return deleted


def test_the_sweep_deletes_only_old_content_no_record_names(store, items, sources, snapshots, source):
    # Given an item whose content is offloaded (named by its record), an old object of a write
    # that never landed, and a fresh one of a write that may still be landing
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="big", content=BIG))
    referenced = next(key for key in store.objects() if "/content/" in key)
    old_stray = content_key(source.tenant_id, source.id, "big", "content_old")
    fresh_stray = content_key(source.tenant_id, source.id, "big", "content_fresh")
    for key in (old_stray, fresh_stray):
        store.blobs.put_text(key, BIG)
    backdate(store, referenced, 3)
    backdate(store, old_stray, 3)
    # When the sweep walks the bucket from the top (two keys a page, so every listing pages)
    deleted = _drain(store, items, snapshots, utcnow, SweepTask(), page_size=2)
    # Then only the old unreferenced object went
    assert deleted == [old_stray]
    assert {referenced, fresh_stray} <= set(store.objects())


def test_the_sweep_keeps_an_open_snapshots_uploads_and_deletes_a_closed_ones(store, items, sources, snapshots, source):
    # Given an old upload of a snapshot still open, and an old one left behind by an aborted snapshot
    snapshot = begin_snapshot(snapshots, sources, source)
    add_page(snapshots, source, snapshot.id, SnapshotPageRequest(items=[{"externalItemId": "a", "content": BIG}]))
    kept = next(key for key in store.objects() if "/snapshots/" in key)
    left = snapshot_content_key(source.tenant_id, source.id, "snap_aborted", "content_1")
    store.blobs.put_text(left, BIG)
    backdate(store, kept, 3)
    backdate(store, left, 3)
    # When one source's snapshot uploads are swept
    task = SweepTask(tenant_id=source.tenant_id, source_id=source.id, kind="snapshots")
    deleted = _drain(store, items, snapshots, utcnow, task)
    # Then the open snapshot's upload stays
    assert deleted == [left] and kept in store.objects()
