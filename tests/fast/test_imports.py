"""Bulk imports in-process: the slice loop the state machine runs, driven by hand, so a retried
slice and the last slice can be exercised exactly."""

import json
from typing import Any

import pytest

from kb.imports.models import CreateImportRequest, ImportMode, ImportTask
from kb.imports.repository import ImportRepository
from kb.imports.service import SliceReader, cancel_import, create_import, finish_import, start_import
from kb.items.models import UpsertItemRequest
from kb.items.service import upsert_item
from kb.webhooks.events import EventPublisher

NO_EVENTS = EventPublisher(None, "")


class _Started:
    """Workflows that only record the execution asked for (the test runs its tasks itself)."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []

    def start(self, arn: str, name: str, payload: dict[str, Any]) -> str:
        self.payloads.append(payload)
        return f"{arn}:{name}"


@pytest.fixture
def imports(store) -> ImportRepository:
    return ImportRepository(store.table)


def _import(store, imports, snapshots, sources, source, lines: list[str], mode: ImportMode = "upsert", **fields: Any):
    envelope = create_import(imports, store.blobs, source, CreateImportRequest(mode=mode, **fields))
    job = envelope.import_
    store.s3.put_object(Bucket=store.blobs.bucket, Key=job.object_key, Body="\n".join(lines).encode())
    workflows = _Started()
    start_import(imports, snapshots, sources, store.blobs, workflows, NO_EVENTS, "arn", source, job.id)  # type: ignore[arg-type]
    return ImportTask.model_validate(workflows.payloads[0])


def _run(reader: SliceReader, task: ImportTask) -> tuple[ImportTask, int]:
    slices = 0
    while not (task.done or task.cancelled):
        task = reader.read(task)
        slices += 1
    return task, slices


def _line(item_id: str, content: str = "text") -> str:
    return json.dumps({"externalItemId": item_id, "content": content})


def test_an_upsert_import_counts_every_line_once_even_when_a_slice_is_retried(
    store, imports, items, snapshots, sources, source
):
    # Given a file of 3,000 items with an invalid line, a line that is no item and a duplicate id
    lines = [_line(f"item-{i}") for i in range(3000)]
    lines[10] = "{not json"
    lines[20] = json.dumps({"externalItemId": "no-content"})
    lines[2999] = _line("item-5")
    task = _import(store, imports, snapshots, sources, source, lines)
    reader = SliceReader(imports, snapshots, sources, items, store.blobs, slice_bytes=4096)
    # When the first slice is read twice (a retried task), then the rest
    first = reader.read(task)
    again = reader.read(task)
    done, slices = _run(reader, first)
    finished = finish_import(imports, snapshots, sources, items, store.blobs, NO_EVENTS, done)
    # Then every line was counted once, across many slices
    assert again == first and slices > 10
    assert finished.status == "succeeded"
    assert finished.progress.lines_read == 3000 and finished.progress.accepted == 2997
    assert finished.progress.rejected == 3 and finished.counts.created == 2997
    assert [(r.line, r.code) for r in finished.rejections] == [
        (11, "invalid_json"),
        (21, "invalid_item"),
        (3000, "duplicate_id"),
    ]
    assert "line 6" in finished.rejections[2].reason
    assert len(items.states(source.id)) == 2997
    # and nothing the import needed is left behind
    assert store.objects() == [] and store.table.query_all(f"IMPORT#{done.import_id}", "ID#") == []


def test_a_snapshot_import_makes_what_the_file_lacks_missing(store, imports, items, snapshots, sources, source):
    # Given a source with items a, b and c
    for item_id in "abc":
        upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content=item_id))
    # When a snapshot import of a, c (changed) and d runs
    lines = [_line("a", "a"), _line("c", "changed"), _line("d")]
    task = _import(store, imports, snapshots, sources, source, lines, mode="snapshot", allow_mass_deletion=True)
    done, _ = _run(SliceReader(imports, snapshots, sources, items, store.blobs, slice_bytes=1024), task)
    finished = finish_import(imports, snapshots, sources, items, store.blobs, NO_EVENTS, done)
    # Then b is missing, as after a snapshot commit
    assert finished.status == "succeeded"
    assert finished.counts.model_dump() == {"created": 1, "updated": 1, "unchanged": 1, "restored": 0, "missing": 1}
    assert items.states(source.id) == {"a": "active", "b": "missing", "c": "active", "d": "active"}


def test_a_snapshot_import_past_the_mass_deletion_threshold_fails_and_tombstones_nothing(
    store, imports, items, snapshots, sources, source
):
    for i in range(10):
        upsert_item(items, sources, source, UpsertItemRequest(external_item_id=f"i{i}", content="x"))
    task = _import(store, imports, snapshots, sources, source, [_line("i0", "x")], mode="snapshot")
    done, _ = _run(SliceReader(imports, snapshots, sources, items, store.blobs, slice_bytes=1024), task)
    finished = finish_import(imports, snapshots, sources, items, store.blobs, NO_EVENTS, done)
    assert (finished.status, finished.error_code) == ("failed", "mass_deletion")
    assert set(items.states(source.id).values()) == {"active"}
    assert sources.get(source.tenant_id, source.id).open_snapshot_id is None


def test_a_cancelled_snapshot_import_stops_and_stages_nothing(store, imports, items, snapshots, sources, source):
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="kept", content="x"))
    lines = [_line(f"n{i}") for i in range(200)]
    task = _import(store, imports, snapshots, sources, source, lines, mode="snapshot", allow_mass_deletion=True)
    reader = SliceReader(imports, snapshots, sources, items, store.blobs, slice_bytes=1024)
    task = reader.read(task)
    cancel_import(imports, snapshots, sources, store.blobs, NO_EVENTS, source, task.import_id)
    done, _ = _run(reader, task)
    finished = finish_import(imports, snapshots, sources, items, store.blobs, NO_EVENTS, done)
    assert done.cancelled and finished.status == "cancelled"
    assert items.states(source.id) == {"kept": "active"}
    assert sources.get(source.tenant_id, source.id).open_snapshot_id is None
