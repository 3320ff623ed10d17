"""Every function's handler, invoked with its events/ sample through moto's Lambda API, in the
order of the lifecycle (each sample's placeholders filled from the steps before it)."""

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from kb.blobs import BlobStore, content_key
from kb.generations.models import ApplyTask, Generation
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, new_id
from kb.imports.models import ImportProgress
from kb.imports.repository import ImportRepository
from kb.items.models import UpsertItemRequest
from kb.items.repository import INLINE_CONTENT_LIMIT, ItemRepository
from kb.items.service import upsert_item
from kb.runs.models import Run, RunCounts
from kb.runs.repository import RunRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.storage import Table
from local.deploy import client
from tests.helpers import ROOT, sample_event

invoked: set[str] = set()


def invoke_http(stack, logical_id: str, sample: str, **values: str) -> tuple[int, dict]:
    payload, errored = stack.invoke(logical_id, sample_event(sample, **values))
    assert not errored, payload
    invoked.add(sample)
    return payload["statusCode"], json.loads(payload["body"])


def invoke_task(stack, logical_id: str, sample: str, **values: str) -> dict:
    payload, errored = stack.invoke(logical_id, sample_event(sample, **values))
    assert not errored, payload
    invoked.add(sample)
    return payload


def test_every_http_function_answers_its_sample_event(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key, "IDEMPOTENCY_KEY": "sample-1"}
    assert invoke_http(stack, "HealthFunction", "health") == (200, {"status": "ok"})
    status, body = invoke_http(stack, "NotFoundFunction", "not_found", **admin)
    console = invoke_task(stack, "ConsoleFunction", "console")  # a static file, not JSON
    assert (console["statusCode"], console["headers"]["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert (status, body["code"]) == (404, "not_found")

    status, created_key = invoke_http(stack, "CreateKeyFunction", "create_key", **admin)
    assert status == 201 and created_key["key"]["scope"] == "write"
    key = {**admin, "KEY_ID": created_key["key"]["id"]}
    status, body = invoke_http(stack, "ListKeysFunction", "list_keys", **key)
    assert status == 200 and key["KEY_ID"] in [k["id"] for k in body["keys"]]
    assert invoke_http(stack, "GetKeyFunction", "get_key", **key)[1]["key"]["id"] == key["KEY_ID"]
    assert invoke_http(stack, "RotateKeyFunction", "rotate_key", **key)[1]["key"]["rotatedAt"]
    updated = invoke_http(stack, "UpdateKeyFunction", "update_key", **key)[1]["key"]
    assert (updated["name"], updated["allowedIps"]) == ("renamed", ["127.0.0.0/8", "::1/128"])
    assert invoke_http(stack, "RevokeKeyFunction", "revoke_key", **key)[1]["key"]["status"] == "revoked"

    status, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    assert status == 201
    source = {**admin, "SOURCE_ID": body["source"]["id"]}
    assert source["SOURCE_ID"] in [
        s["id"] for s in invoke_http(stack, "ListSourcesFunction", "list_sources", **admin)[1]["sources"]
    ]
    assert invoke_http(stack, "GetSourceFunction", "get_source", **source)[1]["source"]["name"] == "Help center"
    assert invoke_http(stack, "UpdateSourceFunction", "update_source", **source)[1]["source"]["graceDays"] == 3
    # A manual source has no open window: the auto-publish worker drops the message as stale
    window = {"TENANT_ID": stack.info.tenant_id, "SOURCE_ID": source["SOURCE_ID"]}
    assert invoke_task(stack, "AutoPublishFunction", "auto_publish", **window) == {"batchItemFailures": []}

    assert invoke_http(stack, "UpsertItemFunction", "upsert_item", **source)[1]["outcome"] == "created"
    assert invoke_http(stack, "BatchItemsFunction", "batch_items", **source)[1]["succeeded"] == 2
    assert invoke_http(stack, "GetItemFunction", "get_item", **source)[1]["item"]["tags"] == ["billing"]
    assert len(invoke_http(stack, "ListItemsFunction", "list_items", **source)[1]["items"]) == 3
    assert invoke_http(stack, "DeleteItemFunction", "delete_item", **source)[1]["deleted"] is True

    status, body = invoke_http(stack, "StartRunFunction", "start_run", **source)
    assert (status, body["run"]["status"], body["run"]["counts"]["created"]) == (201, "succeeded", 2)
    run = {**source, "RUN_ID": body["run"]["id"]}
    assert invoke_http(stack, "GetRunFunction", "get_run", **run)[1]["run"]["id"] == run["RUN_ID"]
    assert [r["id"] for r in invoke_http(stack, "ListRunsFunction", "list_runs", **run)[1]["runs"]] == [run["RUN_ID"]]
    assert len(invoke_http(stack, "ListRunChangesFunction", "list_run_changes", **run)[1]["changes"]) == 2

    status, body = invoke_http(stack, "ApplyRunFunction", "apply_run", **run)
    assert (status, body["status"]) == (200, "published")
    generation = {**run, "GENERATION_ID": body["generationId"]}
    assert invoke_http(stack, "GetGenerationFunction", "get_generation", **generation)[1]["generation"]["current"]
    published = invoke_http(stack, "GetPublishedItemFunction", "get_published_item", **generation)[1]["published"]
    assert (published["externalItemId"], published["generationId"]) == ("faq-1", generation["GENERATION_ID"])
    assert len(invoke_http(stack, "ListGenerationsFunction", "list_generations", **generation)[1]["generations"]) == 1
    assert (
        invoke_http(stack, "RollbackGenerationFunction", "rollback_generation", **generation)[1]["status"]
        == "published"
    )
    # The evaluation set; the generation was applied without a gate, so it has no report, and it
    # is published (a repeated publish answers as the first did) but not held (nothing to discard)
    status, body = invoke_http(stack, "PutEvaluationQueryFunction", "put_evaluation_query", **source)
    assert (status, body["query"]["relevantItemIds"]) == (201, ["faq-1"])
    assert invoke_http(stack, "GetEvaluationQueryFunction", "get_evaluation_query", **source)[1]["query"]["query"]
    listed = invoke_http(stack, "ListEvaluationQueriesFunction", "list_evaluation_queries", **source)[1]
    assert [q["id"] for q in listed["queries"]] == ["refunds"]
    status, body = invoke_http(stack, "GetGenerationEvaluationFunction", "get_generation_evaluation", **generation)
    assert (status, body["code"]) == (404, "not_evaluated")
    status, body = invoke_http(stack, "PublishHeldGenerationFunction", "publish_held_generation", **generation)
    assert (status, body["status"]) == (200, "published")
    status, body = invoke_http(stack, "DiscardGenerationFunction", "discard_generation", **generation)
    assert (status, body["code"]) == (409, "generation_not_held")
    status, body = invoke_http(stack, "DeleteEvaluationQueryFunction", "delete_evaluation_query", **source)
    assert (status, body["query"]["id"]) == (200, "refunds")

    found = invoke_http(stack, "SearchFunction", "search", **source)[1]
    assert [r["item"]["externalItemId"] for r in found["results"]] == ["faq-1"]
    explained = invoke_http(stack, "ExplainSearchFunction", "explain_search", **source)[1]
    assert (explained["verdict"], explained["rank"]) == ("returned", 1)
    answer = invoke_http(stack, "QueryFunction", "query", **source)[1]
    assert answer["found"] and answer["sources"][0]["externalItemId"] == "faq-1"
    status, body = invoke_http(stack, "CreateChatFunction", "create_chat", **source)
    assert status == 201 and body["message"]["sources"][0]["externalItemId"] == "faq-1"
    chat = {**source, "CHAT_ID": body["chat"]["id"], "IDEMPOTENCY_KEY": "sample-2"}
    followed = invoke_http(stack, "SendChatMessageFunction", "send_chat_message", **chat)[1]
    assert followed["message"]["sources"][0]["externalItemId"] == "faq-3"
    history = invoke_http(stack, "GetChatHistoryFunction", "get_chat_history", **chat)[1]
    # The streaming function through a plain Invoke: the Web Adapter's buffered response
    payload = invoke_task(stack, "StreamAnswersFunction", "stream_answers", **source)
    streamed = base64.b64decode(payload["body"]).decode()
    assert payload["statusCode"] == 200 and payload["headers"]["content-type"].startswith("text/event-stream")
    assert streamed.startswith("event: start") and '"externalItemId": "faq-1"' in streamed
    assert [m["role"] for m in history["messages"]] == ["user", "assistant", "user", "assistant"]

    # Analytics: the chat's answer rated, the requests above counted, the log exported as CSV
    rating = {**chat, "MESSAGE_ID": followed["message"]["id"], "IDEMPOTENCY_KEY": "sample-feedback"}
    rated = invoke_http(stack, "CreateFeedbackFunction", "create_feedback", **rating)
    assert rated[0] == 200 and rated[1]["feedback"]["rating"] == "up"
    day = invoke_http(stack, "GetUsageFunction", "get_usage", **admin)[1]
    assert day["buckets"] and day["totals"]["searches"] >= 1 and day["totals"]["ratingsUp"] == 1
    endpoints = invoke_http(stack, "GetPerformanceFunction", "get_performance", **admin)[1]["endpoints"]
    assert "POST /v1/search" in [e["endpoint"] for e in endpoints]
    exported = invoke_task(stack, "ListQueriesFunction", "list_queries", **admin)
    assert exported["statusCode"] == 200 and exported["body"].startswith("id,kind,createdAt")
    settings = {**admin, "IDEMPOTENCY_KEY": "sample-settings"}
    changed = invoke_http(stack, "UpdateAnalyticsSettingsFunction", "update_analytics_settings", **settings)[1]
    assert changed["settings"] == {"queryLogging": "redacted", "retentionDays": 7}
    read = invoke_http(stack, "GetAnalyticsSettingsFunction", "get_analytics_settings", **admin)[1]
    assert read == changed

    status, body = invoke_http(stack, "BeginSnapshotFunction", "begin_snapshot", **source)
    snapshot = {**source, "SNAPSHOT_ID": body["snapshot"]["id"]}
    assert invoke_http(stack, "AddSnapshotItemsFunction", "add_snapshot_items", **snapshot)[1]["accepted"] == 1
    assert (
        invoke_http(stack, "CommitSnapshotFunction", "commit_snapshot", **snapshot)[1]["snapshot"]["counts"]["missing"]
        == 1  # faq-3; faq-2 was deleted, not missing
    )
    status, body = invoke_http(stack, "BeginSnapshotFunction", "begin_snapshot", **source)
    aborted = invoke_http(
        stack, "AbortSnapshotFunction", "abort_snapshot", **source, SNAPSHOT_ID=body["snapshot"]["id"]
    )
    assert aborted[1]["snapshot"]["status"] == "aborted"
    assert invoke_http(stack, "ArchiveSourceFunction", "archive_source", **source)[1]["source"]["status"] == "archived"


def test_the_state_machine_tasks_answer_their_sample_events(stack):
    # Given a source with one item and a run record waiting for its task
    admin = {"ADMIN_KEY": stack.info.admin_key, "IDEMPOTENCY_KEY": "sample-2"}
    _, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    source_id = body["source"]["id"]
    invoke_http(stack, "UpsertItemFunction", "upsert_item", **admin, SOURCE_ID=source_id)
    table = Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name)
    run = Run(
        id="run_tasks", source_id=source_id, tenant_id=stack.info.tenant_id, status="running", created_at=iso_now()
    )
    RunRepository(table).create(run)
    values = {"TENANT_ID": stack.info.tenant_id, "SOURCE_ID": source_id, "RUN_ID": run.id, "GENERATION_ID": "gen_tasks"}
    task = ApplyTask(tenant_id=stack.info.tenant_id, source_id=source_id, run_id=run.id, generation_id="gen_tasks")
    # The apply endpoint takes the source's lease and records the queued generation before the
    # state machine runs; do the same
    sources = SourceRepository(table)
    source = sources.get(stack.info.tenant_id, source_id)
    assert source is not None
    queued = Generation(
        id=task.generation_id,
        source_id=source_id,
        tenant_id=stack.info.tenant_id,
        run_id=run.id,
        status="queued",
        counts=RunCounts(),
        created_at=iso_now(),
    )
    GenerationRepository(table).begin(sources, source, queued, "2999-01-01T00:00:00.000Z", iso_now())

    # When each task runs on its sample
    computed = invoke_task(stack, "ComputeRunFunction", "compute_run", **values)
    planned = invoke_task(stack, "PlanBuildFunction", "plan_build", **values)
    sliced = invoke_task(stack, "BuildSliceFunction", "build_slice", **values)
    built = invoke_task(stack, "BuildGenerationFunction", "build_generation", **values)  # no slices: builds them
    evaluated = invoke_task(stack, "EvaluateGenerationFunction", "evaluate_generation", **values)
    published = invoke_task(stack, "PublishGenerationFunction", "publish_generation", **values)
    retained = invoke_task(stack, "RetainGenerationsFunction", "retain_generations", **values)
    released = invoke_task(stack, "ReleaseLeaseFunction", "release_lease", **values)

    # Then the run diffed one created item, the build wrote it, and it was published and kept
    assert (computed["status"], computed["counts"]["created"]) == ("succeeded", 1)
    assert planned["slices"] == [{"index": 0, "start": 0, "count": 1}]
    assert sliced["itemCount"] == 1
    assert (built["manifest"]["itemCount"], built["manifest"]["chunkCount"]) == (1, 1)
    assert evaluated == {"verdict": "publish"}  # the source has no evaluation set: nothing to hold it on
    assert published == {"status": "published", "generationId": "gen_tasks", "counts": computed["counts"]}
    assert retained["removedGenerations"] == []
    assert released == task.model_dump(mode="json", by_alias=True, exclude={"gate"})  # its input, as given
    assert sources.get(stack.info.tenant_id, source_id).current_generation_id == "gen_tasks"  # type: ignore[union-attr]


def test_the_webhook_functions_answer_their_sample_events(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key, "RECEIVER_URL": "http://127.0.0.1:9/hook"}
    status, body = invoke_http(stack, "CreateWebhookFunction", "create_webhook", **admin)
    assert status == 201 and body["secret"].startswith("whsec_")
    hook = {**admin, "WEBHOOK_ID": body["webhook"]["id"]}
    assert hook["WEBHOOK_ID"] in [
        w["id"] for w in invoke_http(stack, "ListWebhooksFunction", "list_webhooks", **hook)[1]["webhooks"]
    ]
    assert invoke_http(stack, "GetWebhookFunction", "get_webhook", **hook)[1]["webhook"]["url"] == admin["RECEIVER_URL"]
    assert (
        invoke_http(stack, "UpdateWebhookFunction", "update_webhook", **hook)[1]["webhook"]["description"] == "renamed"
    )
    assert invoke_http(stack, "RotateWebhookSecretFunction", "rotate_webhook_secret", **hook)[1]["webhook"][
        "secretRotatedAt"
    ]
    assert invoke_http(stack, "TestWebhookFunction", "test_webhook", **hook)[1]["type"] == "webhook.test"
    # Given an event fanned out into a delivery
    payload = invoke_task(
        stack,
        "FanOutWebhooksFunction",
        "fan_out_webhooks",
        TENANT_ID=stack.info.tenant_id,
        WEBHOOK_ID=hook["WEBHOOK_ID"],
    )
    # Then the multi-record batch reports exactly its bad record as failed
    assert payload == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    status, body = invoke_http(stack, "ListDeliveriesFunction", "list_deliveries", **hook)
    delivery = next(d for d in body["deliveries"] if d["event"]["id"] == "evt_sample")
    # When that delivery is attempted (the receiver port is closed: the attempt fails with a connection error)
    payload = invoke_task(
        stack,
        "DeliverWebhookFunction",
        "deliver_webhook",
        TENANT_ID=stack.info.tenant_id,
        **hook,
        DELIVERY_ID=delivery["id"],
    )
    assert payload == {"batchItemFailures": []}
    status, body = invoke_http(stack, "ListDeliveriesFunction", "list_deliveries", **hook)
    delivery = next(d for d in body["deliveries"] if d["event"]["id"] == "evt_sample")
    assert delivery["attempts"][0]["error"] and delivery["attempts"][0]["statusCode"] is None
    redelivered = invoke_http(stack, "RedeliverFunction", "redeliver", **hook, DELIVERY_ID=delivery["id"])
    assert redelivered[1]["delivery"]["status"] == "pending"
    assert (
        invoke_http(stack, "DeleteWebhookFunction", "delete_webhook", **hook)[1]["webhook"]["id"] == hook["WEBHOOK_ID"]
    )


def test_the_scheduled_sweep_walks_every_source_and_deletes_only_old_unreferenced_content(stack):
    # Given a source whose big item's content is offloaded (its record names it), an old object of
    # a write that never landed and a fresh one of a write that may still be landing
    endpoint = stack.info.moto_endpoint
    table = Table(client("dynamodb", endpoint), stack.info.table_name)
    blobs = BlobStore(client("s3", endpoint), stack.info.bucket_name)
    sources, items = SourceRepository(table), ItemRepository(table, blobs)
    source = Source(id=new_id("src"), tenant_id=stack.info.tenant_id, name="sweep", grace_days=7, created_at=iso_now())
    sources.create(source)
    big = "big content. " * (INLINE_CONTENT_LIMIT // 10)
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id="big", content=big))
    prefix = content_key(source.tenant_id, source.id, "big", "x").rsplit("/", 1)[0]
    referenced = blobs.list_keys(prefix)[0]
    old_stray, fresh_stray = (content_key(source.tenant_id, source.id, "big", new_id("content")) for _ in "ab")
    for key in (old_stray, fresh_stray):
        blobs.put_text(key, big)
    for key in (referenced, old_stray):  # the emulator's LastModified, as if written three days ago
        stored = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].get_object(stack.info.bucket_name, key)
        assert stored is not None
        stored.last_modified = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3)
    # When the schedule's event starts the sweep (its steps then run off the sweep queue)
    assert invoke_task(stack, "SweepStorageFunction", "sweep_storage") == {"queued": 1, "deleted": 0}
    # Then the old unreferenced object goes, in the same step that keeps the other two
    deadline = time.monotonic() + 60
    while old_stray in blobs.list_keys(prefix):
        assert time.monotonic() < deadline, "the sweep never reached the source"
        time.sleep(0.2)
    assert set(blobs.list_keys(prefix)) == {referenced, fresh_stray}


def test_the_file_functions_answer_their_sample_events(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key, "IDEMPOTENCY_KEY": "sample-files"}
    _, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    source = {**admin, "SOURCE_ID": body["source"]["id"]}
    # A multipart upload through the API (the sample's body is base64, as API Gateway sends it)
    status, body = invoke_http(stack, "UploadFileFunction", "upload_file", **source)
    assert (status, body["file"]["externalItemId"], body["file"]["tags"]) == (202, "refunds.md", ["billing"])
    uploaded = {**source, "FILE_ID": body["file"]["id"]}
    assert invoke_http(stack, "GetFileFunction", "get_file", **uploaded)[1]["file"]["filename"] == "refunds.md"
    assert uploaded["FILE_ID"] in [
        f["id"] for f in invoke_http(stack, "ListFilesFunction", "list_files", **source)[1]["files"]
    ]
    # A presigned upload, whose bytes then land in the uploads bucket
    status, ticket = invoke_http(stack, "CreateFileUploadFunction", "create_file_upload", **source)
    assert (status, ticket["file"]["status"], ticket["upload"]["method"]) == (201, "awaiting_upload", "POST")
    data = b"The handbook: holidays are 25 days a year, for all.\n"
    assert len(data) == 52  # what the process_file sample's notification says
    s3 = client("s3", stack.info.moto_endpoint)
    s3.put_object(Bucket=stack.info.uploads_bucket_name, Key=ticket["upload"]["fields"]["key"], Body=data)
    # When its notification is processed (the queue's poller may have taken it first: then the
    # sample's record is a duplicate, which changes nothing), and S3's test event is skipped
    payload = invoke_task(
        stack,
        "ProcessFileFunction",
        "process_file",
        TENANT_ID=stack.info.tenant_id,
        SOURCE_ID=source["SOURCE_ID"],
        FILE_ID=ticket["file"]["id"],
        UPLOADS_BUCKET=stack.info.uploads_bucket_name,
    )
    assert payload == {"batchItemFailures": []}
    # Then both files complete
    for file_id in (uploaded["FILE_ID"], ticket["file"]["id"]):
        deadline = time.monotonic() + 60
        while (found := invoke_http(stack, "GetFileFunction", "get_file", **source, FILE_ID=file_id)[1]["file"])[
            "status"
        ] != "completed":
            assert time.monotonic() < deadline, found
            time.sleep(0.2)


def test_the_import_functions_answer_their_sample_events(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key, "IDEMPOTENCY_KEY": "sample-3"}
    _, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    source = {**admin, "SOURCE_ID": body["source"]["id"], "TENANT_ID": stack.info.tenant_id}
    data = b'{"externalItemId":"imported","content":"From a file."}\n'
    # One import created and cancelled, one uploaded and started (its state machine runs it)
    status, body = invoke_http(stack, "CreateImportFunction", "create_import", **source)
    assert status == 201 and body["upload"]["method"] == "PUT"
    cancelled = {**source, "IMPORT_ID": body["import"]["id"]}
    assert (
        invoke_http(stack, "CancelImportFunction", "cancel_import", **cancelled)[1]["import"]["status"] == "cancelled"
    )
    status, body = invoke_http(stack, "CreateImportFunction", "create_import", **source)
    assert requests.put(body["upload"]["url"], data=data, timeout=30).status_code == 200
    started = {**source, "IMPORT_ID": body["import"]["id"]}
    assert invoke_http(stack, "StartImportFunction", "start_import", **started)[1]["import"]["status"] == "running"
    deadline = time.monotonic() + 60
    while (job := invoke_http(stack, "GetImportFunction", "get_import", **started)[1]["import"])["status"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert (job["status"], job["progress"]["accepted"]) == ("succeeded", 1)
    listed = invoke_http(stack, "ListImportsFunction", "list_imports", **source)[1]["imports"]
    assert [i["id"] for i in listed] == [started["IMPORT_ID"], cancelled["IMPORT_ID"]]
    # The tasks on their own: an import marked running as start would, without its state machine
    status, body = invoke_http(stack, "CreateImportFunction", "create_import", **source)
    assert requests.put(body["upload"]["url"], data=data, timeout=30).status_code == 200
    imports = ImportRepository(Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name))
    job = imports.get(source["SOURCE_ID"], body["import"]["id"])
    assert job is not None
    running = job.model_copy(update={"status": "running", "progress": ImportProgress(bytes_total=len(data))})
    imports.replace(running, ("created",))
    task = {**source, "IMPORT_ID": job.id}
    assert invoke_task(stack, "ReadImportSliceFunction", "read_import_slice", **task)["done"] is True
    assert invoke_task(stack, "FinishImportFunction", "finish_import", **task)["status"] == "succeeded"


def test_the_training_functions_answer_their_sample_events(stack):
    admin = {"ADMIN_KEY": stack.info.admin_key}
    _, body = invoke_http(stack, "CreateSourceFunction", "create_source", **admin)
    source = {**admin, "SOURCE_ID": body["source"]["id"], "TENANT_ID": stack.info.tenant_id}
    # A job over the (empty) source, run by its state machine to the end
    status, body = invoke_http(stack, "StartTrainingFunction", "start_training", **source)
    assert (status, body["job"]["status"]) == (202, "queued")
    job = {**source, "JOB_ID": body["job"]["id"]}
    deadline = time.monotonic() + 60
    while (found := invoke_http(stack, "GetTrainingStatusFunction", "get_training_status", **job)[1]["job"])[
        "status"
    ] in ("queued", "running"):
        assert time.monotonic() < deadline, found
        time.sleep(0.2)
    assert (found["id"], found["status"], found["sources"][0]["status"]) == (job["JOB_ID"], "completed", "published")
    listed = invoke_http(stack, "ListTrainingJobsFunction", "list_training_jobs", **job)[1]["jobs"]
    assert listed[0]["id"] == job["JOB_ID"]
    status, body = invoke_http(stack, "CancelTrainingFunction", "cancel_training", **job)
    assert (status, body["code"]) == (409, "training_not_running")
    # The task on its own: a finished job has no cancel pending
    assert invoke_task(stack, "TrainStepFunction", "train_step", **job) == {"cancelled": False}


def test_every_sample_event_was_used():
    samples = {path.stem for path in Path(ROOT / "events").glob("*.json")}
    assert invoked == samples
