"""Apply's failure modes: stale plan, leases, build failures (the old generation keeps serving)."""

import time
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import apply, poll, push, run, run_and_apply

LEASE_SECONDS = 300  # the template's ApplyLeaseSeconds


def wait_for_lease(api, table, source_id, other_than=None, timeout=60.0):
    """Until an apply (another than `other_than`) holds the source's lease."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        source = table.get(f"TENANT#{api.info['tenant_id']}", f"SOURCE#{source_id}")
        lease = source and source.get("applyLease")
        if lease and lease["owner"] != other_than:
            return lease
        time.sleep(0.05)
    raise AssertionError("no apply took the lease")


def outcome(api, key, source_id, reply):
    """The generation an apply's reply leads to, once finished (a 202 is polled to its end)."""
    if reply.status_code == 202:
        return poll(api, key, reply.headers["Location"].removeprefix("/api"), "generation")
    if reply.status_code == 200:
        path = f"/v1/sources/{source_id}/generations/{reply.json()['generationId']}"
        return api.call("GET", path, key).json()["generation"]
    return {"status": "failed", "errorCode": reply.json()["code"]}


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


def test_a_second_apply_while_one_holds_the_lease_is_apply_in_progress(api, writer_key, source_id, table, controls):
    # Given two runs on the same base, and an apply whose build is held
    push(api, writer_key, source_id, "a", "One.")
    first_run, second_run = run(api, writer_key, source_id), run(api, writer_key, source_id)
    controls.hold_tasks(source_id)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(apply, api, writer_key, source_id, first_run["id"])
        wait_for_lease(api, table, source_id)
        # When the second run is applied while the first holds the lease
        second = apply(api, writer_key, source_id, second_run["id"])
        controls.release_tasks(source_id)
        first_outcome = outcome(api, writer_key, source_id, first.result())
    # Then the second is apply_in_progress and the first publishes
    assert (second.status_code, second.json()["code"]) == (409, "apply_in_progress")
    assert first_outcome["status"] == "succeeded"


def test_an_apply_whose_lease_expires_under_it_loses_with_lease_lost(api, writer_key, source_id, table, controls):
    # Given two runs on the same base, and an apply whose build is held while it holds the lease
    push(api, writer_key, source_id, "a", "One.")
    first_run, second_run = run(api, writer_key, source_id), run(api, writer_key, source_id)
    controls.hold_tasks(source_id)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(apply, api, writer_key, source_id, first_run["id"])
        first_owner = wait_for_lease(api, table, source_id)["owner"]
        # When the source's clock passes the lease's end and a second apply takes the lease
        controls.shift_clock(source_id, 2 * LEASE_SECONDS)
        second = pool.submit(apply, api, writer_key, source_id, second_run["id"])
        wait_for_lease(api, table, source_id, other_than=first_owner)
        controls.release_tasks(source_id)
        first_outcome = outcome(api, writer_key, source_id, first.result())
        second_outcome = outcome(api, writer_key, source_id, second.result())
    # Then the first loses with lease_lost (recorded on its generation) and the second publishes
    assert (first_outcome["status"], first_outcome["errorCode"]) == ("failed", "lease_lost")
    assert second_outcome["status"] == "succeeded"
    assert current_generation(api, writer_key, source_id) == second_outcome["id"]


def test_a_storage_fault_mid_build_is_build_failed_and_the_previous_generation_keeps_serving(
    api, writer_key, source_id, controls
):
    # Given a published generation
    push(api, writer_key, source_id, "a", "One.")
    _, published = run_and_apply(api, writer_key, source_id)
    # When the next build's storage fails after one write
    push(api, writer_key, source_id, "b", "Two.")
    push(api, writer_key, source_id, "c", "Three.")
    planned = run(api, writer_key, source_id)
    controls.fail_writes(source_id, after=1)
    failed = apply(api, writer_key, source_id, planned["id"])
    # Then the apply is build_failed and the old generation still serves
    assert (failed.status_code, failed.json()["code"]) == (502, "build_failed")
    assert current_generation(api, writer_key, source_id) == published["generationId"]
    # And the lease was released: once storage recovers, the same run applies
    controls.fail_writes(source_id, after=None)
    assert apply(api, writer_key, source_id, planned["id"]).status_code == 200


def test_a_run_older_than_the_plan_retention_answers_run_expired(api, writer_key, source_id, controls):
    # Given a finished run whose changes list
    push(api, writer_key, source_id, "a", "One.")
    planned = run(api, writer_key, source_id)
    changes = f"/v1/sources/{source_id}/runs/{planned['id']}/changes"
    assert api.call("GET", changes, writer_key).status_code == 200
    # When the source's clock passes RunPlanRetentionDays (30) after the run
    controls.shift_clock(source_id, 30 * 24 * 3600)
    # Then neither its changes nor an apply of it are served: the run has expired
    listed, applied = api.call("GET", changes, writer_key), apply(api, writer_key, source_id, planned["id"])
    assert (listed.status_code, listed.json()["code"]) == (409, "run_expired")
    assert (applied.status_code, applied.json()["code"]) == (409, "run_expired")
