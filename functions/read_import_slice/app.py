"""Task of the import state machine: one slice of the file into the staging set (or snapshot)."""

from typing import Any

from kb.http.app import make_task_handler
from kb.imports.models import ImportTask
from kb.imports.service import SliceReader
from kb.tasks import task_context


def read(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ImportTask.model_validate(event)
    reader = SliceReader(
        ctx.imports,
        ctx.snapshots,
        ctx.sources,
        ctx.items,
        ctx.task_blobs(task.source_id),
        ctx.settings.import_slice_bytes,
    )
    return reader.read(task).to_json_dict()


handler = make_task_handler(read)
