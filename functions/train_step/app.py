"""Task of the train state machine: its steps (next source, cancel check, a source's outcome,
the job's end), named by the event's `op` (kb.training.machine). At the end, the job's duration
(accepted to finished) is recorded for /v1/analytics/performance."""

from typing import Any

from kb.analytics.recording import recorder
from kb.http.app import make_task_handler
from kb.ids import parse_iso
from kb.tasks import task_context
from kb.training.machine import TrainMachine
from kb.training.models import StepTask
from kb.training.repository import TrainingRepository


def step(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), StepTask.model_validate(event)
    jobs = TrainingRepository(ctx.table)
    machine = TrainMachine(
        jobs=jobs,
        sources=ctx.sources,
        items=ctx.items,
        runs=ctx.runs,
        generations=ctx.generations,
        events=ctx.events,
        blobs_for=ctx.task_blobs,
        clock_for=ctx.clock,
        lease_seconds=ctx.settings.apply_lease_seconds,
    )
    result = machine.step(task)
    if task.op == "finish" and ctx.settings.analytics_recording:
        job = jobs.get(task.tenant_id, task.job_id)
        if job is not None and job.completed_at:
            seconds = (parse_iso(job.completed_at) - parse_iso(job.created_at)).total_seconds()
            recorder().record_duration(task.tenant_id, "training", seconds)
    return result


handler = make_task_handler(step)
