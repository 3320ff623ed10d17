"""Apply's failure modes: stale plan, leases, build failures (the old generation keeps serving)."""

import threading
import time
from typing import Any

from tests.e2e.conftest import apply, push, run, run_and_apply, set_hooks


def wait_for_lease(api, table, source_id, timeout=20.0):
    """Until an apply holds the source's lease: the next step's timing is relative to it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        source = table.get(f"TENANT#{api.info['tenant_id']}", f"SOURCE#{source_id}")
        if source and source.get("applyLease"):
            return source["applyLease"]
        time.sleep(0.05)
    raise AssertionError("no apply took the lease")


def current_generation(api, key, source_id):
    return api.call("GET", f"/v1/sources/{source_id}", key).json()["source"]["currentGenerationId"]


def test_a_staging_change_after_the_run_is_stale_plan(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "One.")
    planned = run(api, writer_key, source_id)
    push(api, writer_key, source_id, "b", "Two.")
    reply = apply(api, writer_key, source_id, planned["id"])
    assert (reply.status_code, reply.json()["code"]) == (409, "stale_plan")


def test_applying_a_run_again_is_apply_conflict(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "One.")
    planned, applied = run_and_apply(api, writer_key, source_id)
    again = apply(api, writer_key, source_id, planned["id"])
    assert (again.status_code, again.json()["code"]) == (409, "apply_conflict")
    assert applied["generationId"] in again.json()["error"]
    assert (
        api.call("GET", f"/v1/sources/{source_id}/runs/{planned['id']}", writer_key).json()["run"][
            "appliedGenerationId"
        ]
        == applied["generationId"]
    )


def test_a_run_planned_before_another_publish_is_stale_base(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "One.")
    older, newer = run(api, writer_key, source_id), run(api, writer_key, source_id)
    assert apply(api, writer_key, source_id, newer["id"]).status_code == 200
    reply = apply(api, writer_key, source_id, older["id"])
    assert (reply.status_code, reply.json()["code"]) == (409, "stale_base")


def test_a_second_apply_while_one_holds_the_lease_is_apply_in_progress(api, writer_key, source_id, table):
    push(api, writer_key, source_id, "a", "One.")
    first_run, second_run = run(api, writer_key, source_id), run(api, writer_key, source_id)
    set_hooks(table, source_id, build_delay_seconds=3)
    results: dict[str, Any] = {}
    slow = threading.Thread(
        target=lambda: results.setdefault("first", apply(api, writer_key, source_id, first_run["id"]))
    )
    slow.start()
    time.sleep(1.0)
    second = apply(api, writer_key, source_id, second_run["id"])
    slow.join()
    assert (second.status_code, second.json()["code"]) == (409, "apply_in_progress")
    assert results["first"].status_code == 200


def test_an_apply_whose_lease_expires_under_it_loses_with_lease_lost(api, writer_key, source_id, table):
    # Given two runs on the same base and a 1-second lease under a 6-second build
    push(api, writer_key, source_id, "a", "One.")
    first_run, second_run = run(api, writer_key, source_id), run(api, writer_key, source_id)
    set_hooks(table, source_id, build_delay_seconds=3, apply_lease_seconds=1)
    results: dict[str, Any] = {}
    slow = threading.Thread(
        target=lambda: results.setdefault("first", apply(api, writer_key, source_id, first_run["id"]))
    )
    slow.start()
    # When a second apply takes the expired lease
    time.sleep(1.5)
    second = apply(api, writer_key, source_id, second_run["id"])
    slow.join()
    # Then the first loses with lease_lost and the second publishes
    assert (results["first"].status_code, results["first"].json()["code"]) == (409, "lease_lost")
    assert second.status_code == 200
    assert current_generation(api, writer_key, source_id) == second.json()["generationId"]


def test_a_storage_fault_mid_build_is_build_failed_and_the_previous_generation_keeps_serving(
    api, writer_key, source_id, table
):
    # Given a published generation
    push(api, writer_key, source_id, "a", "One.")
    _, published = run_and_apply(api, writer_key, source_id)
    # When the next build's storage fails after one write
    push(api, writer_key, source_id, "b", "Two.")
    push(api, writer_key, source_id, "c", "Three.")
    planned = run(api, writer_key, source_id)
    set_hooks(table, source_id, fail_build_after_writes=1)
    failed = apply(api, writer_key, source_id, planned["id"])
    # Then the apply is build_failed and the old generation still serves
    assert (failed.status_code, failed.json()["code"]) == (502, "build_failed")
    assert current_generation(api, writer_key, source_id) == published["generationId"]
    # And the lease was released: once storage recovers, the same run applies
    set_hooks(table, source_id)
    assert apply(api, writer_key, source_id, planned["id"]).status_code == 200
