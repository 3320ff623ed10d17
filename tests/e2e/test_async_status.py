"""Long work a client can watch: a 202 names a status to poll, and every ending is recorded."""

from tests.e2e.conftest import apply, poll, push, run, run_and_apply


def test_an_apply_answering_202_points_at_a_generation_that_reports_its_status(api, writer_key, source_id, controls):
    # Given a run, and builds of its source held (so the apply outlasts ExecutionWaitSeconds)
    push(api, writer_key, source_id, "a", "One.")
    planned = run(api, writer_key, source_id)
    controls.hold_tasks(source_id)
    # When it is applied
    accepted = apply(api, writer_key, source_id, planned["id"])
    # Then the 202's Location answers at once with the queued generation
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]
    assert location == f"/api/v1/sources/{source_id}/generations/{accepted.json()['generationId']}"
    building = api.call("GET", location.removeprefix("/api"), writer_key)
    assert building.status_code == 200, building.text
    assert building.json()["generation"]["status"] in ("queued", "running")
    assert building.json()["generation"]["current"] is False
    # And once the build goes on, it ends succeeded, with its progress complete, and serving
    controls.release_tasks(source_id)
    done = poll(api, writer_key, location.removeprefix("/api"), "generation")
    assert (done["status"], done["current"]) == ("succeeded", True)
    assert done["progress"] == {"itemsDone": 1, "itemsTotal": 1, "chunksDone": 1, "chunksTotal": 1}


def test_a_failed_build_leaves_a_failed_generation_with_its_error_code(api, writer_key, source_id, controls):
    # Given a published generation and a next build whose storage fails
    push(api, writer_key, source_id, "a", "One.")
    _, published = run_and_apply(api, writer_key, source_id)
    push(api, writer_key, source_id, "b", "Two.")
    planned = run(api, writer_key, source_id)
    controls.fail_writes(source_id, after=0)
    # When it is applied
    failed = apply(api, writer_key, source_id, planned["id"])
    # Then the apply is build_failed and its generation says so, forever after
    assert (failed.status_code, failed.json()["code"]) == (502, "build_failed")
    listed = api.call("GET", f"/v1/sources/{source_id}/generations", writer_key).json()["generations"]
    newest = listed[0]
    assert (newest["status"], newest["errorCode"], newest["runId"]) == ("failed", "build_failed", planned["id"])
    again = api.call("GET", f"/v1/sources/{source_id}/generations/{newest['id']}", writer_key)
    assert (again.status_code, again.json()["generation"]["status"]) == (200, "failed")
    # And it cannot be rolled back to; the published one keeps serving
    rollback = api.call("POST", f"/v1/sources/{source_id}/generations/{newest['id']}/rollback", writer_key)
    assert (rollback.status_code, rollback.json()["code"]) == (409, "not_rollback_eligible")
    assert [g["id"] for g in listed if g["current"]] == [published["generationId"]]


def test_applying_a_run_without_changes_answers_the_current_generation(api, writer_key, source_id):
    # Given a published generation and a run that changes nothing
    push(api, writer_key, source_id, "a", "One.")
    _, published = run_and_apply(api, writer_key, source_id)
    planned = run(api, writer_key, source_id)
    assert planned["counts"]["unchanged"] == 1
    # When it is applied
    reply = apply(api, writer_key, source_id, planned["id"])
    # Then no generation is built: the current one answers, and the run is applied to it
    assert reply.status_code == 200, reply.text
    assert (reply.json()["status"], reply.json()["generationId"]) == ("unchanged", published["generationId"])
    listed = api.call("GET", f"/v1/sources/{source_id}/generations", writer_key).json()["generations"]
    assert [g["id"] for g in listed] == [published["generationId"]]
    again = apply(api, writer_key, source_id, planned["id"])
    assert (again.status_code, again.json()["code"]) == (409, "apply_conflict")


def test_a_run_answering_202_points_at_itself_and_reports_its_status(api, writer_key, source_id, controls):
    # Given a source whose runs are held (so the run outlasts ExecutionWaitSeconds)
    push(api, writer_key, source_id, "a", "One.")
    controls.hold_tasks(source_id)
    # When a run is started
    accepted = api.call("POST", f"/v1/sources/{source_id}/runs", writer_key)
    # Then its 202's Location is the run, which answers at once as queued
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]
    assert location == f"/api/v1/sources/{source_id}/runs/{accepted.json()['run']['id']}"
    waiting = api.call("GET", location.removeprefix("/api"), writer_key).json()["run"]
    assert waiting["status"] in ("queued", "running")
    # And once it goes on, it ends succeeded with its counts and progress complete
    controls.release_tasks(source_id)
    done = poll(api, writer_key, location.removeprefix("/api"), "run")
    assert (done["status"], done["counts"]["created"]) == ("succeeded", 1)
    assert (done["progress"]["itemsDone"], done["progress"]["itemsTotal"]) == (1, 1)
