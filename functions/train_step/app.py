"""Task of the train state machine: its steps (next source, cancel check, a source's outcome,
the job's end), named by the event's `op` (kb.training.machine)."""

from typing import Any

from kb.http.app import make_task_handler
from kb.tasks import task_context
from kb.training.machine import TrainMachine
from kb.training.models import StepTask
from kb.training.repository import TrainingRepository


def step(event: dict[str, Any]) -> dict[str, Any]:
    ctx, task = task_context(), StepTask.model_validate(event)
    machine = TrainMachine(
        jobs=TrainingRepository(ctx.table),
        sources=ctx.sources,
        items=ctx.items,
        runs=ctx.runs,
        generations=ctx.generations,
        events=ctx.events,
        blobs_for=ctx.task_blobs,
        clock_for=ctx.clock,
        lease_seconds=ctx.settings.apply_lease_seconds,
    )
    return machine.step(task)


handler = make_task_handler(step)
