"""Big items on every path, limits before writes, ids that work everywhere or are refused, and
the mass-deletion guard, over HTTP."""

from urllib.parse import quote

import pytest

from local.deploy import client
from tests.e2e.conftest import push, run_and_apply

BIG = "Offloaded knowledge about tides. " * 4000  # ~130 KB: kept in S3
HUGE = "Snapshot knowledge about glaciers. " * 14000  # ~490 KB: over DynamoDB's 400 KB record limit


def _content_objects(api, source_id: str) -> list[str]:
    s3 = client("s3", api.info["moto_endpoint"])
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=api.info["bucket_name"]):
        keys += [o["Key"] for o in page.get("Contents", []) if f"/sources/{source_id}/content/" in o["Key"]]
    return keys


def _snapshot(api, key, source_id, items, **commit_body):
    snap_id = api.call("POST", f"/v1/sources/{source_id}/snapshots", key).json()["snapshot"]["id"]
    if items:
        page = api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap_id}/items", key, {"items": items})
        assert page.status_code == 200, page.text
        assert page.json()["accepted"] == len(items)
    committed = api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap_id}/commit", key, commit_body or None)
    return snap_id, committed


def test_a_big_item_lists_tombstones_restores_and_is_deleted_with_its_content(api, writer_key, source_id):
    # Given a big item and a small one, published
    assert push(api, writer_key, source_id, "big", BIG).status_code == 201
    push(api, writer_key, source_id, "small", "Small.")
    run_and_apply(api, writer_key, source_id)
    # When the source is listed, then the big item goes missing in a snapshot and comes back
    listed = api.call("GET", f"/v1/sources/{source_id}/items", writer_key)
    _, committed = _snapshot(api, writer_key, source_id, [{"externalItemId": "small", "content": "Small."}])
    tombstoned = api.call("GET", f"/v1/sources/{source_id}/items/big", writer_key).json()["item"]
    restored = push(api, writer_key, source_id, "big", BIG).json()["outcome"]
    # Then every step answers, the tombstone kept its content, and deleting it removes the content from S3
    assert listed.status_code == 200 and [i["externalItemId"] for i in listed.json()["items"]] == ["big", "small"]
    assert committed.json()["snapshot"]["counts"]["missing"] == 1
    assert (tombstoned["state"], tombstoned["content"]) == ("missing", BIG)
    assert restored == "restored"
    assert len(_content_objects(api, source_id)) == 1
    assert api.call("DELETE", f"/v1/sources/{source_id}/items/big", writer_key).status_code == 200
    assert _content_objects(api, source_id) == []
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["counts"]["deleted"] == 1


def test_a_snapshot_item_over_400_kb_commits_and_publishes(api, writer_key, source_id):
    # Given a snapshot with an item bigger than a DynamoDB record
    _, committed = _snapshot(api, writer_key, source_id, [{"externalItemId": "huge", "content": HUGE}])
    # When it is committed and applied
    _, applied = run_and_apply(api, writer_key, source_id)
    # Then the item is staged whole and published
    assert committed.status_code == 200, committed.text
    item = api.call("GET", f"/v1/sources/{source_id}/items/huge", writer_key).json()["item"]
    assert item["content"] == HUGE
    assert applied["counts"]["created"] == 1


def test_a_batch_item_too_big_for_a_record_is_invalid_and_the_others_are_written(api, writer_key, source_id):
    body = {
        "items": [
            {"externalItemId": "ok-1", "content": "One."},
            {"externalItemId": "tags", "content": "Two.", "tags": ["t" * 9000] * 50},
            {"externalItemId": "meta", "content": "Three.", "metadata": {"v": "m" * 500_000}},
            {"externalItemId": "ok-2", "content": "Four."},
        ]
    }
    reply = api.call("POST", f"/v1/sources/{source_id}/items/batch", writer_key, body)
    assert reply.status_code == 200, reply.text
    assert [r["outcome"] for r in reply.json()["results"]] == ["created", "invalid", "invalid", "created"]
    listed = api.call("GET", f"/v1/sources/{source_id}/items", writer_key).json()["items"]
    assert [i["externalItemId"] for i in listed] == ["ok-1", "ok-2"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("metadata", {"v": "m" * 500_000}), ("tags", ["t" * 9000] * 50), ("title", "x" * 1001)],
)
def test_a_single_item_over_a_limit_is_a_validation_error(api, writer_key, source_id, field, value):
    reply = push(api, writer_key, source_id, "limited", "Text.", **{field: value})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert api.call("GET", f"/v1/sources/{source_id}/items/limited", writer_key).status_code == 404


@pytest.mark.parametrize("item_id", ["a/b", ".", ".."])
def test_ids_that_cannot_be_addressed_are_refused_at_write_time(api, writer_key, source_id, item_id):
    reply = push(api, writer_key, source_id, item_id, "Text.")
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("externalItemId")


@pytest.mark.parametrize("item_id", ["\U0001f600 emoji first", "q?a#b%c&d", "space and +plus", "\U00020000"])
def test_unusual_ids_work_on_every_path_and_publish(api, writer_key, source_id, item_id):
    # Given an item whose id needs URL encoding or lies above U+FFFF
    assert push(api, writer_key, source_id, item_id, "Unusual ids are fine.").status_code == 201
    path = f"/v1/sources/{source_id}/items/{quote(item_id, safe='')}"
    # When it is read, published, deleted and published again
    fetched = api.call("GET", path, writer_key)
    _, first = run_and_apply(api, writer_key, source_id)
    deleted = api.call("DELETE", path, writer_key)
    _, second = run_and_apply(api, writer_key, source_id)
    # Then each step saw the item
    assert fetched.json()["item"]["externalItemId"] == item_id
    assert first["counts"]["created"] == 1
    assert deleted.status_code == 200
    assert second["counts"]["deleted"] == 1


def test_an_empty_snapshot_commit_is_refused_as_a_mass_deletion(api, writer_key, source_id):
    # Given a published source of three items
    for n in range(3):
        push(api, writer_key, source_id, f"i{n}", f"Item {n}.")
    run_and_apply(api, writer_key, source_id)
    # When an empty snapshot is committed
    snap_id, refused = _snapshot(api, writer_key, source_id, [])
    # Then it is refused, nothing went missing, and the same snapshot commits once the caller opts in
    assert (refused.status_code, refused.json()["code"]) == (409, "mass_deletion")
    states = {i["state"] for i in api.call("GET", f"/v1/sources/{source_id}/items", writer_key).json()["items"]}
    assert states == {"active"}
    opted = api.call(
        "POST", f"/v1/sources/{source_id}/snapshots/{snap_id}/commit", writer_key, {"allowMassDeletion": True}
    )
    assert (opted.status_code, opted.json()["snapshot"]["counts"]["missing"]) == (200, 3)


def test_the_mass_deletion_threshold_is_set_per_source(api, writer_key):
    created = api.call("POST", "/v1/sources", writer_key, {"name": "Loose", "massDeletionThreshold": 100})
    source = created.json()["source"]
    assert source["massDeletionThreshold"] == 100
    push(api, writer_key, source["id"], "only", "Only item.")
    _, committed = _snapshot(api, writer_key, source["id"], [])
    assert committed.status_code == 200
    patched = api.call("PATCH", f"/v1/sources/{source['id']}", writer_key, {"massDeletionThreshold": 10})
    assert patched.json()["source"]["massDeletionThreshold"] == 10
