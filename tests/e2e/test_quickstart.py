"""Seed 001's curl quickstart, over real HTTP against the local stack."""

import uuid
from pathlib import Path

from local.deploy import client
from tests.e2e.conftest import FIXED_ADMIN_KEY


def counts(**nonzero):
    return {
        kind: nonzero.get(kind, 0)
        for kind in ("created", "updated", "unchanged", "deleted", "tombstoned", "purged", "restored")
    }


def push(api, key, source_id, content="Refunds take 14 days."):
    return api.call(
        "POST",
        f"/v1/sources/{source_id}/items",
        key,
        {"externalItemId": "faq-1", "title": "Refunds", "content": content},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def run_and_apply(api, key, source_id):
    run = api.call("POST", f"/v1/sources/{source_id}/runs", key)
    assert run.status_code == 201, run.text
    applied = api.call("POST", f"/v1/sources/{source_id}/runs/{run.json()['run']['id']}/apply", key)
    assert applied.status_code == 200, applied.text
    return run.json()["run"], applied.json()


def test_the_stack_uses_the_admin_key_fixed_by_local_admin_key_and_writes_it_down(api):
    assert api.admin_key == FIXED_ADMIN_KEY
    assert (Path(api.info["state_dir"]) / "admin.key").read_text().strip() == FIXED_ADMIN_KEY
    assert api.call("GET", "/v1/sources", api.admin_key).status_code == 200


def test_health_answers_ok(api):
    reply = api.call("GET", "/health")
    assert (reply.status_code, reply.json()) == (200, {"status": "ok"})


def test_an_admin_key_creates_a_write_key_whose_secret_is_shown_once(api):
    reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "ci", "scope": "write"})
    assert reply.status_code == 201
    body = reply.json()
    assert body["secret"].startswith(f"sk_live_{body['key']['id']}_")
    assert "secret" not in body["key"] and "secretHash" not in body["key"]


def test_creating_a_source_answers_it(api, writer_key):
    reply = api.call("POST", "/v1/sources", writer_key, {"name": "Help center", "graceDays": 7})
    assert reply.status_code == 201
    source = reply.json()["source"]
    assert (source["name"], source["graceDays"], source["status"]) == ("Help center", 7, "active")
    fetched = api.call("GET", f"/v1/sources/{source['id']}", writer_key)
    assert fetched.json()["source"] == source


def test_the_quickstart_publishes_a_generation_with_one_created_item(api, writer_key, source_id):
    # Given an item pushed with an Idempotency-Key
    pushed = push(api, writer_key, source_id)
    assert (pushed.status_code, pushed.json()["outcome"]) == (201, "created")
    # When a run is started and applied
    run, applied = run_and_apply(api, writer_key, source_id)
    # Then a generation is published with one created item
    assert applied["status"] == "published"
    assert applied["generationId"].startswith("gen_")
    assert applied["counts"] == counts(created=1)
    assert run["counts"] == applied["counts"]
    # And the source now points at it
    source = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]
    assert source["currentGenerationId"] == applied["generationId"]


def test_pushing_the_same_item_again_gives_unchanged(api, writer_key, source_id):
    push(api, writer_key, source_id)
    run_and_apply(api, writer_key, source_id)
    again = push(api, writer_key, source_id)
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["counts"] == counts(unchanged=1)


def test_changing_the_content_gives_updated(api, writer_key, source_id):
    push(api, writer_key, source_id)
    run_and_apply(api, writer_key, source_id)
    changed = push(api, writer_key, source_id, content="Refunds take 30 days.")
    assert (changed.status_code, changed.json()["outcome"]) == (200, "updated")
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["counts"] == counts(updated=1)


def test_the_generation_is_in_s3_under_the_tenant_and_source_prefix(api, writer_key, source_id):
    # Given a published generation
    push(api, writer_key, source_id)
    run, applied = run_and_apply(api, writer_key, source_id)
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{applied['generationId']}", writer_key).json()[
        "generation"
    ]
    # Then its record names the run, and its manifest and chunks are under the per-tenant, per-source prefix
    assert (generation["runId"], generation["manifest"]["itemCount"], generation["manifest"]["chunkCount"]) == (
        run["id"],
        1,
        1,
    )
    prefix = f"tenants/{api.info['tenant_id']}/sources/{source_id}/"
    s3 = client("s3", api.info["moto_endpoint"])
    bucket = api.info["bucket_name"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
    assert generation["manifest"]["key"] in keys
    assert any(k.startswith(prefix + "chunks/") for k in keys)
    chunks = s3.get_object(Bucket=bucket, Key=next(k for k in keys if "/chunks/" in k))["Body"].read().decode()
    assert "Refunds take 14 days." in chunks
