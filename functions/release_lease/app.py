"""Task of the apply state machine, on failure: free the source's apply lease if still ours."""

from typing import Any

from kb.generations.models import ReleaseTask
from kb.generations.service import release_lease
from kb.http.app import make_task_handler
from kb.tasks import task_context


def release(event: dict[str, Any]) -> dict[str, Any]:
    ctx = task_context()
    release_lease(ctx.sources, ReleaseTask.model_validate(event), ctx.events)
    return event


handler = make_task_handler(release)
