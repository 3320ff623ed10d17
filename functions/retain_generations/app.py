"""Task of the apply state machine, after publishing: record the apply's duration (accepted to
published) for /v1/analytics/performance, then keep the newest N generations (whose last write
settles the apply: the duration is recorded by the time a waiting apply request answers)."""

from typing import Any

from kb.analytics.recording import recorder
from kb.generations.models import ApplyTask
from kb.generations.service import retain_generations
from kb.http.app import make_task_handler
from kb.ids import parse_iso, utcnow
from kb.tasks import task_context


def retain(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), ApplyTask.model_validate(event)
    generation = ctx.generations.get(task.source_id, task.generation_id)
    if generation is not None and ctx.settings.analytics_recording:
        finished = parse_iso(generation.completed_at) if generation.completed_at else utcnow()
        recorder().record_duration(
            task.tenant_id, "apply", (finished - parse_iso(generation.created_at)).total_seconds()
        )
    removed = retain_generations(task, ctx.sources, ctx.generations, ctx.blobs, ctx.settings.generation_retention)
    return {**event, "removedGenerations": removed}


handler = make_task_handler(retain)
