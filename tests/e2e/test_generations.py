"""Generations: list, get, rollback, retention (the e2e stack keeps 3)."""

from local.deploy import client
from tests.e2e.conftest import push, run, run_and_apply


def test_get_shows_counts_manifest_created_at_and_run(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "One.")
    planned, applied = run_and_apply(api, writer_key, source_id)
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{applied['generationId']}", writer_key).json()[
        "generation"
    ]
    assert generation["runId"] == planned["id"] and generation["current"] is True
    assert generation["counts"]["created"] == 1 and generation["createdAt"]
    assert generation["manifest"]["itemCount"] == 1 and generation["manifest"]["key"].endswith("/manifest.json")


def test_rollback_republishes_an_earlier_generation_and_the_next_run_diffs_against_it(api, writer_key, source_id):
    push(api, writer_key, source_id, "a", "One.")
    _, first = run_and_apply(api, writer_key, source_id)
    push(api, writer_key, source_id, "b", "Two.")
    _, second = run_and_apply(api, writer_key, source_id)
    rolled = api.call("POST", f"/v1/sources/{source_id}/generations/{first['generationId']}/rollback", writer_key)
    assert rolled.json() == {
        "status": "published",
        "generationId": first["generationId"],
        "previousGenerationId": second["generationId"],
    }
    source = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]
    assert source["currentGenerationId"] == first["generationId"]
    # b is staged but not in the rolled-back generation: the next run creates it again
    assert run(api, writer_key, source_id)["counts"]["created"] == 1


def test_retention_keeps_the_newest_generations_and_removes_the_rest_from_s3(api, writer_key, source_id):
    applied = []
    for i in range(5):
        push(api, writer_key, source_id, "a", f"Version {i}.")
        applied.append(run_and_apply(api, writer_key, source_id)[1]["generationId"])
    listed = api.call("GET", f"/v1/sources/{source_id}/generations", writer_key).json()["generations"]
    assert [g["id"] for g in listed] == applied[::-1][:3]
    gone = api.call("GET", f"/v1/sources/{source_id}/generations/{applied[0]}", writer_key)
    assert gone.status_code == 404
    s3 = client("s3", api.info["moto_endpoint"])
    prefix = f"tenants/{api.info['tenant_id']}/sources/{source_id}/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=api.info["bucket_name"], Prefix=prefix).get("Contents", [])]
    assert sum(1 for k in keys if k.endswith("manifest.json")) == 3
    assert sum(1 for k in keys if "/chunks/" in k) == 3  # one chunk pack per retained version of a
