"""Bulk imports end to end: a JSON-lines file PUT to the presigned URL the API hands out, read by
the import state machine of the local stack in slices of 16 KiB (conftest), over HTTP."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local.deploy import client
from tests.e2e.conftest import POLL_SECONDS, push, run
from tests.e2e.receiver import Receiver, start_receiver, wait_until

FINAL = ("succeeded", "failed", "cancelled")


def line(item_id: str, content: str = "", **fields: Any) -> str:
    return json.dumps({"externalItemId": item_id, "content": content or f"Content of {item_id}.", **fields})


def create(api, key: str, source_id: str, **body: Any) -> dict[str, Any]:
    reply = api.call("POST", f"/v1/sources/{source_id}/imports", key, body or None)
    assert reply.status_code == 201, reply.text
    envelope: dict[str, Any] = reply.json()
    return envelope


def upload(envelope: dict[str, Any], data: bytes) -> None:
    put = requests.put(envelope["upload"]["url"], data=data, timeout=60)
    assert put.status_code == 200, put.text


def start(api, key: str, source_id: str, import_id: str) -> requests.Response:
    return api.call("POST", f"/v1/sources/{source_id}/imports/{import_id}/start", key)


def get(api, key: str, source_id: str, import_id: str) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/sources/{source_id}/imports/{import_id}", key)
    assert reply.status_code == 200, reply.text
    job: dict[str, Any] = reply.json()["import"]
    return job


def wait(api, key: str, source_id: str, import_id: str, until=lambda job: job["status"] in FINAL) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_SECONDS
    while not until(job := get(api, key, source_id, import_id)):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


def imported(api, key: str, source_id: str, lines: list[str], **body: Any) -> dict[str, Any]:
    """An import of `lines`, created, uploaded, started and waited for."""
    envelope = create(api, key, source_id, **body)
    upload(envelope, ("\n".join(lines) + "\n").encode())
    import_id = envelope["import"]["id"]
    assert start(api, key, source_id, import_id).status_code == 200
    return wait(api, key, source_id, import_id)


def execution_ended(api, import_id: str) -> bool:
    """The import's execution has ended (the state machine is named after the template's resource)."""
    sfn = client("stepfunctions", api.info["moto_endpoint"])
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if "ImportStateMachine" in m["name"])
    arn = machine["stateMachineArn"].replace(":stateMachine:", ":execution:") + f":{import_id}"
    return bool(sfn.describe_execution(executionArn=arn)["status"] != "RUNNING")


def item_states(api, key: str, source_id: str) -> dict[str, str]:
    states: dict[str, str] = {}
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        reply = api.call("GET", f"/v1/sources/{source_id}/items", key, params=params)
        assert reply.status_code == 200, reply.text
        states |= {i["externalItemId"]: i["state"] for i in reply.json()["items"]}
        if not (cursor := reply.json().get("nextCursor")):
            return states


def test_a_5000_line_upsert_import_stages_every_item_with_exact_progress(api, writer_key, source_id):
    # Given a file of 5,000 items (about 30 slices of 16 KiB), multi-byte text included
    lines = [line(f"doc-{i:04d}", f"Document {i} über Größe — {i * 7}.") for i in range(5000)]
    data = ("\n".join(lines) + "\n").encode()
    # When it is imported in upsert mode
    job = imported(api, writer_key, source_id, lines)
    # Then every line was read and accepted once, and every item is staged
    assert job["status"] == "succeeded", job
    assert job["progress"] == {
        "bytesTotal": len(data),
        "bytesRead": len(data),
        "linesRead": 5000,
        "accepted": 5000,
        "rejected": 0,
    }
    assert job["counts"]["created"] == 5000 and job["rejections"] == []
    assert run(api, writer_key, source_id)["counts"]["created"] == 5000


def test_bad_lines_are_rejected_with_their_line_numbers_and_the_rest_imported(api, writer_key, source_id):
    # Given lines of 2 KB (a slice holds ~8), one not JSON, one no item, one an id given before in
    # an earlier slice, and one the same id twice within a slice
    lines = [line(f"item-{i}", "x" * 2000) for i in range(40)]
    lines[4] = '{"externalItemId": "broken", "content": '
    lines[9] = json.dumps({"externalItemId": "no-content", "title": "t"})
    lines[30] = line("item-1", "again")
    lines[12] = line("item-11", "twice in one slice")
    # When it is imported
    job = imported(api, writer_key, source_id, lines)
    # Then the four are rejected with their line and reason, the 36 others staged
    assert job["status"] == "succeeded"
    assert (job["progress"]["accepted"], job["progress"]["rejected"]) == (36, 4)
    rejected = [(r["line"], r["code"]) for r in job["rejections"]]
    assert rejected == [(5, "invalid_json"), (10, "invalid_item"), (13, "duplicate_id"), (31, "duplicate_id")]
    assert "content" in job["rejections"][1]["reason"] and "line 2" in job["rejections"][3]["reason"]
    assert len(item_states(api, writer_key, source_id)) == 36


def test_a_snapshot_import_makes_what_the_file_lacks_missing(api, writer_key, source_id):
    # Given items a, b and c
    for item_id in "abc":
        push(api, writer_key, source_id, item_id, f"Content of {item_id}.")
    # When a snapshot import holds a and c (changed) and d
    job = imported(
        api, writer_key, source_id, [line("a"), line("c", "New c."), line("d")], mode="snapshot", allowMassDeletion=True
    )
    # Then b is missing (a tombstone once applied), as after a snapshot commit
    assert job["status"] == "succeeded", job
    assert job["counts"] == {"created": 1, "updated": 1, "unchanged": 1, "restored": 0, "missing": 1}
    assert item_states(api, writer_key, source_id) == {"a": "active", "b": "missing", "c": "active", "d": "active"}


def test_a_snapshot_import_past_the_mass_deletion_threshold_fails_and_tombstones_nothing(api, writer_key, source_id):
    # Given ten items
    for i in range(10):
        push(api, writer_key, source_id, f"i{i}", "text")
    # When a snapshot import holds only one of them, without allowMassDeletion
    job = imported(api, writer_key, source_id, [line("i0", "text")], mode="snapshot")
    # Then it fails with mass_deletion, nothing went missing, and the snapshot was released
    assert (job["status"], job["errorCode"]) == ("failed", "mass_deletion")
    assert set(item_states(api, writer_key, source_id).values()) == {"active"}
    assert api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key).status_code == 201


def test_a_snapshot_import_cannot_start_while_a_snapshot_is_open(api, writer_key, source_id):
    assert api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key).status_code == 201
    envelope = create(api, writer_key, source_id, mode="snapshot")
    upload(envelope, (line("a") + "\n").encode())
    refused = start(api, writer_key, source_id, envelope["import"]["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "snapshot_in_progress")


def test_an_import_cannot_start_before_its_file_is_uploaded(api, writer_key, source_id):
    envelope = create(api, writer_key, source_id)
    refused = start(api, writer_key, source_id, envelope["import"]["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "upload_missing")


def test_an_upsert_import_cancelled_mid_way_keeps_what_it_accepted_and_reads_no_further(
    api, writer_key, source_id, controls
):
    # Given a 2,000-line import whose reads are held from the middle of the file on
    lines = [line(f"doc-{i:04d}") for i in range(2000)]
    data = ("\n".join(lines) + "\n").encode()
    middle = len(data) // 2
    controls.hold_reads_from(source_id, middle)
    envelope = create(api, writer_key, source_id)
    upload(envelope, data)
    import_id = envelope["import"]["id"]
    try:
        assert start(api, writer_key, source_id, import_id).status_code == 200
        # When it has counted every slice before the middle (the next one waits), it is cancelled
        held = wait(api, writer_key, source_id, import_id, lambda job: job["progress"]["bytesRead"] >= middle)
        cancelled = api.call("POST", f"/v1/sources/{source_id}/imports/{import_id}/cancel", writer_key)
    finally:
        controls.release_reads(source_id)
    assert cancelled.status_code == 200, cancelled.text
    wait_until(lambda: execution_ended(api, import_id), timeout=POLL_SECONDS)
    # Then it is cancelled with the progress it had, and exactly what it accepted stays staged
    job = get(api, writer_key, source_id, import_id)
    assert job["status"] == "cancelled" and job["progress"] == held["progress"]
    assert 0 < job["progress"]["accepted"] < 2000
    assert len(item_states(api, writer_key, source_id)) == job["progress"]["accepted"]


def test_a_snapshot_import_cancelled_mid_way_tombstones_nothing(api, writer_key, source_id, controls):
    # Given an item, and a snapshot import (of other items) held in the middle of its file
    push(api, writer_key, source_id, "kept", "text")
    lines = [line(f"doc-{i:04d}") for i in range(1000)]
    data = ("\n".join(lines) + "\n").encode()
    controls.hold_reads_from(source_id, len(data) // 2)
    envelope = create(api, writer_key, source_id, mode="snapshot", allowMassDeletion=True)
    upload(envelope, data)
    import_id = envelope["import"]["id"]
    try:
        assert start(api, writer_key, source_id, import_id).status_code == 200
        wait(api, writer_key, source_id, import_id, lambda job: job["progress"]["bytesRead"] >= len(data) // 2)
        # When it is cancelled
        cancelled = api.call("POST", f"/v1/sources/{source_id}/imports/{import_id}/cancel", writer_key)
    finally:
        controls.release_reads(source_id)
    assert cancelled.json()["import"]["status"] == "cancelled"
    wait_until(lambda: execution_ended(api, import_id), timeout=POLL_SECONDS)
    # Then nothing was staged or tombstoned, and the source may open a snapshot again
    assert item_states(api, writer_key, source_id) == {"kept": "active"}
    assert api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key).status_code == 201


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def test_every_import_event_reaches_a_webhook_receiver(api, writer_key, source_id, receiver):
    # Given a subscription to import events
    path = "/ok/imports"
    reply = api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["import.*"]})
    assert reply.status_code == 201, reply.text
    # When one import completes, one fails (mass deletion) and one is cancelled before it starts
    done = imported(api, writer_key, source_id, [line("a")])
    failed = imported(api, writer_key, source_id, [line("b")], mode="snapshot")
    cancelled = create(api, writer_key, source_id)["import"]["id"]
    api.call("POST", f"/v1/sources/{source_id}/imports/{cancelled}/cancel", writer_key)
    # Then the receiver gets started and completed, started and failed, and cancelled
    expected = {
        (done["id"], "import.started"),
        (done["id"], "import.completed"),
        (failed["id"], "import.started"),
        (failed["id"], "import.failed"),
        (cancelled, "import.cancelled"),
    }

    def got() -> set[tuple[str, str]] | None:
        bodies = [json.loads(r.body) for r in receiver.received(path)]
        seen = {(b["data"]["importId"], b["type"]) for b in bodies if b["data"].get("sourceId") == source_id}
        return seen if seen >= expected else None

    assert wait_until(got, timeout=60) == expected
    completed = next(json.loads(r.body) for r in receiver.received(path) if '"import.completed"' in r.body)
    assert completed["data"]["progress"]["accepted"] == 1


def test_another_tenant_cannot_see_start_or_cancel_an_import(api, writer_key, source_id, other_tenant_admin):
    envelope = create(api, writer_key, source_id)
    import_id = envelope["import"]["id"]
    base = f"/v1/sources/{source_id}/imports"
    for method, path in (
        ("GET", f"{base}/{import_id}"),
        ("GET", base),
        ("POST", f"{base}/{import_id}/start"),
        ("POST", f"{base}/{import_id}/cancel"),
        ("POST", base),
    ):
        reply = api.call(method, path, other_tenant_admin)
        assert (reply.status_code, reply.json()["code"]) == (404, "not_found"), (method, path)
    assert get(api, writer_key, source_id, import_id)["status"] == "created"


def test_imports_are_listed_newest_first(api, writer_key, source_id):
    first = create(api, writer_key, source_id)["import"]["id"]
    second = create(api, writer_key, source_id, mode="snapshot")["import"]["id"]
    listed = api.call("GET", f"/v1/sources/{source_id}/imports", writer_key).json()["imports"]
    assert [(i["id"], i["mode"]) for i in listed] == [(second, "snapshot"), (first, "upsert")]
