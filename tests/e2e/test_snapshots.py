"""Snapshots, tombstones and the grace window, end to end."""

import json

from local.deploy import client
from tests.e2e.conftest import apply, push, run, run_and_apply

DAY = 24 * 3600


def snapshot(api, key, source_id, *item_ids, commit=True):
    snap = api.call("POST", f"/v1/sources/{source_id}/snapshots", key)
    assert snap.status_code == 201, snap.text
    snap_id = snap.json()["snapshot"]["id"]
    items = [{"externalItemId": i, "content": f"Content of {i}."} for i in item_ids]
    for start in range(0, len(items), 2):  # pages of two
        page = api.call(
            "POST", f"/v1/sources/{source_id}/snapshots/{snap_id}/items", key, {"items": items[start : start + 2]}
        )
        assert page.json()["accepted"] == len(items[start : start + 2])
    if commit:
        committed = api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap_id}/commit", key)
        assert committed.status_code == 200, committed.text
        return committed.json()["snapshot"]
    return snap.json()["snapshot"]


def manifest_items(api, key, source_id, generation_id, table):
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{generation_id}", key).json()["generation"]
    s3 = client("s3", api.info["moto_endpoint"])

    def read(key):
        return json.loads(s3.get_object(Bucket=api.info["bucket_name"], Key=key)["Body"].read())

    root = read(generation["manifest"]["key"])  # a sharded manifest: the root names its shards
    return {item_id: entry for shard in root["shards"] for item_id, entry in read(shard["key"])["items"].items()}


def test_a_run_while_a_snapshot_is_open_cannot_be_applied(api, writer_key, source_id):
    snapshot(api, writer_key, source_id, "a", commit=False)
    planned = run(api, writer_key, source_id)
    assert planned["discoveryComplete"] is False
    refused = apply(api, writer_key, source_id, planned["id"])
    assert (refused.status_code, refused.json()["code"]) == (409, "not_apply_eligible")


def test_only_one_snapshot_may_be_open(api, writer_key, source_id):
    snapshot(api, writer_key, source_id, "a", commit=False)
    second = api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key)
    assert (second.status_code, second.json()["code"]) == (409, "snapshot_in_progress")


def test_a_committed_snapshot_becomes_the_staging_set_and_missing_items_become_tombstones(
    api, writer_key, source_id, table
):
    # Given three applied items
    for item_id in ("a", "b", "c"):
        push(api, writer_key, source_id, item_id, f"Content of {item_id}." if item_id != "c" else "Old c.")
    run_and_apply(api, writer_key, source_id)
    # When a snapshot with only a and c (c changed) is committed
    committed = snapshot(api, writer_key, source_id, "a", "c")
    assert committed["counts"] == {"created": 0, "updated": 1, "unchanged": 1, "restored": 0, "missing": 1}
    planned, applied = run_and_apply(api, writer_key, source_id)
    # Then b is a tombstone that still serves, and c is updated
    assert planned["discoveryComplete"] is True
    assert (applied["counts"]["tombstoned"], applied["counts"]["updated"], applied["counts"]["unchanged"]) == (1, 1, 1)
    items = manifest_items(api, writer_key, source_id, applied["generationId"], table)
    assert set(items) == {"a", "b", "c"} and items["b"]["missingSince"] and not items["a"]["missingSince"]
    listed = api.call("GET", f"/v1/sources/{source_id}/items", writer_key).json()["items"]
    assert {i["externalItemId"]: i["state"] for i in listed} == {"a": "active", "b": "missing", "c": "active"}


def test_a_tombstone_is_purged_by_the_first_run_after_the_grace_window(api, writer_key, source_id, table, controls):
    # Given an applied tombstone in a source with 7 days of grace
    push(api, writer_key, source_id, "a", "Content of a.")
    push(api, writer_key, source_id, "b", "Content of b.")
    run_and_apply(api, writer_key, source_id)
    snapshot(api, writer_key, source_id, "a")
    run_and_apply(api, writer_key, source_id)
    # When six days pass, it still serves; after eight, the next run purges it
    controls.shift_clock(source_id, 6 * DAY)
    assert run(api, writer_key, source_id)["counts"]["purged"] == 0
    controls.shift_clock(source_id, 8 * DAY)
    planned, applied = run_and_apply(api, writer_key, source_id)
    assert planned["counts"]["purged"] == 1
    assert set(manifest_items(api, writer_key, source_id, applied["generationId"], table)) == {"a"}


def test_grace_days_zero_means_no_grace(api, writer_key, source_id, table):
    api.call("PATCH", f"/v1/sources/{source_id}", writer_key, {"graceDays": 0})
    push(api, writer_key, source_id, "a", "Content of a.")
    push(api, writer_key, source_id, "b", "Content of b.")
    run_and_apply(api, writer_key, source_id)
    snapshot(api, writer_key, source_id, "a")
    planned, _ = run_and_apply(api, writer_key, source_id)
    assert (planned["counts"]["purged"], planned["counts"]["tombstoned"]) == (1, 0)


def test_a_tombstone_whose_item_reappears_is_lifted(api, writer_key, source_id, table):
    push(api, writer_key, source_id, "a", "Content of a.")
    push(api, writer_key, source_id, "b", "Content of b.")
    run_and_apply(api, writer_key, source_id)
    snapshot(api, writer_key, source_id, "a")
    run_and_apply(api, writer_key, source_id)
    back = push(api, writer_key, source_id, "b", "Content of b.")
    assert (back.status_code, back.json()["outcome"]) == (200, "restored")
    planned, applied = run_and_apply(api, writer_key, source_id)
    assert planned["counts"]["restored"] == 1
    assert manifest_items(api, writer_key, source_id, applied["generationId"], table)["b"]["missingSince"] is None


def test_an_aborted_snapshot_leaves_the_staging_set_alone(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "Content of a.")
    snap = snapshot(api, writer_key, source_id, "z", commit=False)
    aborted = api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap['id']}/abort", writer_key)
    assert aborted.json()["snapshot"]["status"] == "aborted"
    planned = run(api, writer_key, source_id)
    assert (planned["discoveryComplete"], planned["counts"]["created"]) == (True, 1)
    late = api.call(
        "POST",
        f"/v1/sources/{source_id}/snapshots/{snap['id']}/items",
        writer_key,
        {"items": [{"externalItemId": "q", "content": "c"}]},
    )
    assert (late.status_code, late.json()["code"]) == (409, "snapshot_closed")


def test_a_rolling_run_lists_only_what_changed(api, writer_key, source_id):
    for i in range(5):
        push(api, writer_key, source_id, f"r{i}", f"Content {i}.")
    run_and_apply(api, writer_key, source_id)
    push(api, writer_key, source_id, "r2", "Changed.")
    planned = run(api, writer_key, source_id)
    changes = api.call("GET", f"/v1/sources/{source_id}/runs/{planned['id']}/changes", writer_key).json()
    assert changes["changes"] == [
        {
            "externalItemId": "r2",
            "change": "updated",
            "contentHash": changes["changes"][0]["contentHash"],
            "missingSince": None,
        }
    ]
    assert (planned["counts"]["updated"], planned["counts"]["unchanged"]) == (1, 4)
