"""Runs: start one (an execution of the run state machine) and compute its diff (its task)."""

from kb.blobs import BlobStore, manifest_key, plan_key
from kb.errors import NotFound
from kb.generations.models import Manifest
from kb.ids import iso_now, new_id
from kb.items.repository import ItemRepository
from kb.runs.diff import diff_states
from kb.runs.models import Run, RunPlan, RunTask
from kb.runs.repository import RunRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.workflows import start_execution, wait_for_execution


def start_run(
    runs: RunRepository, sfn: object, state_machine_arn: str, source: Source, wait_seconds: float
) -> tuple[Run, bool]:
    """Start a run and wait for it, bounded. Returns the run and whether it has finished."""
    run = Run(
        id=new_id("run"),
        source_id=source.id,
        tenant_id=source.tenant_id,
        status="running",
        created_at=iso_now(),
    )
    runs.create(run)
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
    execution_arn = start_execution(sfn, state_machine_arn, run.id, task.to_json_dict())
    description = wait_for_execution(sfn, execution_arn, wait_seconds)
    if description is None:
        return run, False
    if description["status"] != "SUCCEEDED":
        runs.fail(source.id, run.id, description.get("error") or description["status"])
    return get_run(runs, source, run.id), True


def get_run(runs: RunRepository, source: Source, run_id: str) -> Run:
    run = runs.get(source.id, run_id)
    if run is None or run.tenant_id != source.tenant_id:
        raise NotFound(f"Run {run_id} was not found.")
    return run


def compute_run(
    task: RunTask, sources: SourceRepository, items: ItemRepository, runs: RunRepository, blobs: BlobStore
) -> Run:
    """The run state machine's task: diff the staging set against the published generation."""
    source = sources.get(task.tenant_id, task.source_id)
    run = runs.get(task.source_id, task.run_id)
    if source is None or run is None:
        raise NotFound(f"Run {task.run_id} of source {task.source_id} was not found.")
    base_id = source.current_generation_id
    applied: dict[str, str] = {}
    if base_id is not None:
        manifest = Manifest.model_validate(blobs.get_json(manifest_key(task.tenant_id, task.source_id, base_id)))
        applied = {item_id: entry.content_hash for item_id, entry in manifest.items.items()}
    staged = {item.external_item_id: item.content_hash_value for item in items.list_all(task.source_id)}
    changes, counts = diff_states(staged, applied)
    plan = RunPlan(run_id=run.id, base_generation_id=base_id, changes=changes)
    blobs.put_json(plan_key(task.tenant_id, task.source_id, run.id), plan.to_json_dict())
    return runs.complete(run, counts, base_id)
