"""Every failure path of the run and apply state machines records itself where clients poll,
once: the recorder changes only a queued or running record."""

import json
import time
from typing import Any

import pytest

from kb.blobs import BlobStore, plan_key
from kb.generations.models import ApplyTask, Generation
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, new_id
from kb.runs.models import ItemChange, Run, RunCounts, RunPlan, RunTask
from kb.runs.repository import RunRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.storage import Table
from local.deploy import client

EXECUTION_SECONDS = 120


@pytest.fixture
def table(stack) -> Table:
    return Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name)


@pytest.fixture
def source(stack, table) -> Source:
    created = Source(
        id=new_id("src"), tenant_id=stack.info.tenant_id, name="failing", grace_days=7, created_at=iso_now()
    )
    SourceRepository(table).create(created)
    return created


def execute(stack, state_machine: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run a state machine to its end (a deadline, not a guess of how long it takes)."""
    sfn = client("stepfunctions", stack.info.moto_endpoint)
    arn = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if state_machine in m["name"])
    execution = sfn.start_execution(stateMachineArn=arn, name=new_id("exec"), input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + EXECUTION_SECONDS
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"{state_machine} did not finish"
        time.sleep(0.1)
    result: dict[str, Any] = described
    return result


def queued_generation(stack, table, source: Source, run_id: str) -> Generation:
    generation = Generation(
        id=new_id("gen"),
        source_id=source.id,
        tenant_id=source.tenant_id,
        run_id=run_id,
        status="queued",
        counts=RunCounts(),
        created_at=iso_now(),
    )
    GenerationRepository(table).begin(
        SourceRepository(table), source, generation, "2999-01-01T00:00:00.000Z", iso_now()
    )
    return generation


def test_a_run_whose_diff_fails_is_recorded_failed_with_run_failed(stack, table, source):
    # Given a queued run of a source whose published manifest is missing from storage
    table.update(
        f"TENANT#{source.tenant_id}",
        f"SOURCE#{source.id}",
        "SET currentGenerationId = :g",
        values={":g": "gen_missing"},
    )
    run = Run(id=new_id("run"), source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now())
    RunRepository(table).create(run)
    # When the run state machine runs it
    task = RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id)
    ended = execute(stack, "RunStateMachine", task.to_json_dict())
    # Then the execution failed and the run says so, with its error code
    assert ended["status"] == "FAILED"
    failed = RunRepository(table).get(source.id, run.id)
    assert failed is not None
    assert (failed.status, failed.error_code) == ("failed", "run_failed")
    assert failed.completed_at is not None


def test_a_build_that_fails_is_recorded_failed_with_build_failed(stack, table, source):
    # Given a queued generation whose run has no plan in storage
    generation = queued_generation(stack, table, source, "run_without_plan")
    # When the apply state machine runs it
    task = ApplyTask(
        tenant_id=source.tenant_id, source_id=source.id, run_id="run_without_plan", generation_id=generation.id
    )
    ended = execute(stack, "ApplyStateMachine", task.to_json_dict())
    # Then it failed as BuildFailed, recorded on the generation, and the lease was released
    assert (ended["status"], ended.get("error")) == ("FAILED", "BuildFailed")
    recorded = GenerationRepository(table).get(source.id, generation.id)
    assert recorded is not None
    assert (recorded.status, recorded.error_code) == ("failed", "build_failed")
    assert SourceRepository(table).get(source.tenant_id, source.id).apply_lease is None  # type: ignore[union-attr]


def test_the_recorder_leaves_a_finished_generation_as_it_was(stack, table, source):
    # Given a generation already recorded as failed with lease_lost
    generation = queued_generation(stack, table, source, "run_without_plan")
    GenerationRepository(table).fail(source.id, generation.id, "lease_lost", "lost")
    # When its apply state machine runs (and fails) again
    task = ApplyTask(
        tenant_id=source.tenant_id, source_id=source.id, run_id="run_without_plan", generation_id=generation.id
    )
    ended = execute(stack, "ApplyStateMachine", task.to_json_dict())
    # Then the execution still ends, and the first recorded failure stands
    assert ended["status"] == "FAILED"
    recorded = GenerationRepository(table).get(source.id, generation.id)
    assert recorded is not None
    assert (recorded.status, recorded.error_code) == ("failed", "lease_lost")


def test_a_slice_that_finds_its_plan_stale_ends_the_apply_as_stale_plan(stack, table, source):
    # Given a run planned to create an item the staging set no longer has as planned
    blobs = BlobStore(client("s3", stack.info.moto_endpoint), stack.info.bucket_name)
    plan = RunPlan(
        run_id="run_stale",
        base_generation_id=None,
        base_epoch=0,
        staging_epoch=1,
        changes=[ItemChange(external_item_id="gone", change="created", content_hash="h")],
    )
    blobs.put_json(plan_key(source.tenant_id, source.id, "run_stale"), plan.to_json_dict())
    generation = queued_generation(stack, table, source, "run_stale")
    # When the apply state machine builds it (the slice runs inside the Map)
    task = ApplyTask(tenant_id=source.tenant_id, source_id=source.id, run_id="run_stale", generation_id=generation.id)
    ended = execute(stack, "ApplyStateMachine", task.to_json_dict())
    # Then the Map's failure is the slice's: StalePlan, recorded, and the lease released
    assert (ended["status"], ended.get("error")) == ("FAILED", "StalePlan")
    recorded = GenerationRepository(table).get(source.id, generation.id)
    assert recorded is not None
    assert (recorded.status, recorded.error_code) == ("failed", "stale_plan")
    assert SourceRepository(table).get(source.tenant_id, source.id).apply_lease is None  # type: ignore[union-attr]
