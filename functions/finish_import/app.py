"""Task of the import state machine: commit (snapshot mode) and settle the import, or record why it
failed (the state machine's Catch passes the failure)."""

from typing import Any

from kb.http.app import make_task_handler
from kb.imports.models import ImportTask
from kb.imports.service import finish_import
from kb.tasks import task_context


def finish(event: dict[str, Any]) -> dict[str, Any]:
    ctx = task_context()
    failure = event.get("failure")
    task = ImportTask.model_validate({k: v for k, v in event.items() if k != "failure"})
    job = finish_import(ctx.imports, ctx.snapshots, ctx.sources, ctx.items, ctx.blobs, ctx.events, task, failure)
    return {"importId": job.id, "status": job.status}


handler = make_task_handler(finish)
