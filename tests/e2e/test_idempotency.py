"""Idempotency-Key over HTTP: replay, conflict, in progress, per tenant."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import push, run
from tests.e2e.test_apply import wait_for_lease


def test_the_same_key_and_payload_replays_the_first_status_and_body(api, writer_key):
    key = str(uuid.uuid4())
    first = api.call("POST", "/v1/sources", writer_key, {"name": "Once"}, headers={"Idempotency-Key": key})
    again = api.call("POST", "/v1/sources", writer_key, {"name": "Once"}, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    # And only one source was made (the tenant's listing, every page of it, names it once)
    ids, cursor = [], ""
    while cursor is not None:
        page = api.call("GET", f"/v1/sources?limit=100{'&cursor=' + cursor if cursor else ''}", writer_key).json()
        ids += [s["id"] for s in page["sources"]]
        cursor = page.get("nextCursor")
    assert ids.count(first.json()["source"]["id"]) == 1


def test_the_same_key_with_another_payload_is_idempotency_conflict(api, writer_key):
    key = str(uuid.uuid4())
    api.call("POST", "/v1/sources", writer_key, {"name": "One"}, headers={"Idempotency-Key": key})
    other = api.call("POST", "/v1/sources", writer_key, {"name": "Two"}, headers={"Idempotency-Key": key})
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_conflict")


def test_a_key_still_running_is_idempotency_in_progress(api, writer_key, source_id, table, controls):
    # Given an apply under an Idempotency-Key whose build is held
    push(api, writer_key, source_id, "a", "One.")
    planned = run(api, writer_key, source_id)
    controls.hold_tasks(source_id)
    key = str(uuid.uuid4())
    path = f"/v1/sources/{source_id}/runs/{planned['id']}/apply"
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(api.call, "POST", path, writer_key, headers={"Idempotency-Key": key})
        wait_for_lease(api, table, source_id)
        # When the same apply is sent again while the first is running
        second = api.call("POST", path, writer_key, headers={"Idempotency-Key": key})
        controls.release_tasks(source_id)
        first_reply = first.result()
    # Then the second is told it is in progress and the first applies
    assert (second.status_code, second.json()["code"]) == (409, "idempotency_in_progress")
    assert first_reply.status_code in (200, 202), first_reply.text
    # And afterwards the same key replays the first reply
    again = api.call("POST", path, writer_key, headers={"Idempotency-Key": key})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (again.status_code, again.json()) == (first_reply.status_code, first_reply.json())


def test_keys_are_per_tenant(api, writer_key, other_tenant_admin):
    key = str(uuid.uuid4())
    mine = api.call("POST", "/v1/sources", writer_key, {"name": "Same"}, headers={"Idempotency-Key": key})
    theirs = api.call("POST", "/v1/sources", other_tenant_admin, {"name": "Same"}, headers={"Idempotency-Key": key})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["source"]["id"] != theirs.json()["source"]["id"]
