"""Task of the apply state machine, on failure: free the source's apply lease if still ours."""

from typing import Any

from kb.generations.models import ApplyTask
from kb.generations.service import release_lease
from kb.http.app import make_task_handler
from kb.tasks import task_context


def release(event: dict[str, Any]) -> dict[str, Any]:
    release_lease(task_context().sources, ApplyTask.model_validate(event))
    return event


handler = make_task_handler(release)
