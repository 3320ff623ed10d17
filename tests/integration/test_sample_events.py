"""Every function's handler, invoked with its events/ sample through moto's Lambda API, in the
order of the lifecycle (each sample's placeholders filled from the steps before it)."""

import json

from kb.ids import iso_now
from kb.runs.models import Run
from kb.runs.repository import RunRepository
from kb.storage import Table
from local.deploy import client
from tests.helpers import sample_event


def invoke_http(stack, logical_id: str, sample: str, **values: str) -> tuple[int, dict]:
    payload, errored = stack.invoke(logical_id, sample_event(sample, **values))
    assert not errored, payload
    return payload["statusCode"], json.loads(payload["body"])


def test_every_function_answers_its_sample_event(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key}
    assert invoke_http(stack, "HealthFunction", "health") == (200, {"status": "ok"})

    status, created_key = invoke_http(stack, "CreateKeyFunction", "create_key", **admin)
    assert status == 201 and created_key["key"]["scope"] == "write"

    status, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    assert status == 201
    source = {**admin, "SOURCE_ID": body["source"]["id"]}

    status, body = invoke_http(stack, "ListSourcesFunction", "list_sources", **admin)
    assert status == 200 and source["SOURCE_ID"] in [s["id"] for s in body["sources"]]

    status, body = invoke_http(stack, "GetSourceFunction", "get_source", **source)
    assert (status, body["source"]["name"]) == (200, "Help center")

    status, body = invoke_http(stack, "UpsertItemFunction", "upsert_item", **source)
    assert (status, body["outcome"]) == (201, "created")

    status, body = invoke_http(stack, "StartRunFunction", "start_run", **source)
    assert (status, body["run"]["status"], body["run"]["counts"]["created"]) == (201, "succeeded", 1)
    run = {**source, "RUN_ID": body["run"]["id"]}

    status, body = invoke_http(stack, "GetRunFunction", "get_run", **run)
    assert (status, body["run"]["id"]) == (200, run["RUN_ID"])

    status, body = invoke_http(stack, "ApplyRunFunction", "apply_run", **run)
    assert (status, body["status"]) == (200, "published")

    status, body = invoke_http(
        stack, "GetGenerationFunction", "get_generation", **run, GENERATION_ID=body["generationId"]
    )
    assert (status, body["generation"]["itemCount"], body["generation"]["runId"]) == (200, 1, run["RUN_ID"])


def test_the_state_machine_tasks_answer_their_sample_events(stack):
    # Given a source with one item and a run record waiting for its task
    admin = {"ADMIN_KEY": stack.info.admin_key}
    _, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    source_id = body["source"]["id"]
    invoke_http(stack, "UpsertItemFunction", "upsert_item", **admin, SOURCE_ID=source_id)
    table = Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name)
    run = Run(
        id="run_tasks", source_id=source_id, tenant_id=stack.info.tenant_id, status="running", created_at=iso_now()
    )
    RunRepository(table).create(run)
    values = {"TENANT_ID": stack.info.tenant_id, "SOURCE_ID": source_id, "RUN_ID": run.id, "GENERATION_ID": "gen_tasks"}

    # When each task runs on its sample
    computed, errored = stack.invoke("ComputeRunFunction", sample_event("compute_run", **values))
    assert not errored, computed
    built, errored = stack.invoke("BuildGenerationFunction", sample_event("build_generation", **values))
    assert not errored, built
    published, errored = stack.invoke("PublishGenerationFunction", sample_event("publish_generation", **values))
    assert not errored, published

    # Then the run diffed one created item, the build wrote one item, and it was published
    assert (computed["status"], computed["counts"]["created"]) == ("succeeded", 1)
    assert (built["itemCount"], built["chunkCount"]) == (1, 1)
    assert published == {"status": "published", "generationId": "gen_tasks", "counts": computed["counts"]}
