"""Files end to end, over HTTP against the local stack: multipart and presigned uploads become
items that a run and an apply publish; bad files fail alone with their reason; S3 refuses what a
presigned upload did not declare; duplicate notifications change nothing; events reach a webhook."""

import json
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local.deploy import client
from tests.e2e.conftest import Api, run_and_apply
from tests.e2e.receiver import Receiver, start_receiver, wait_until
from tests.helpers import ROOT

FILE_SECONDS = 60
DONE = ("completed", "failed")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def upload(api: Api, key: str, source_id: str, name: str, data: bytes, **fields: str) -> requests.Response:
    return api.call(
        "POST", f"/v1/sources/{source_id}/files", key, files={"file": (name, data, "text/plain")}, data=fields
    )


def presign(api: Api, key: str, source_id: str, name: str, size: int, **fields: Any) -> dict[str, Any]:
    reply = api.call("POST", f"/v1/sources/{source_id}/files/uploads", key, {"filename": name, "size": size, **fields})
    assert reply.status_code == 201, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def send_to_s3(ticket: dict[str, Any], data: bytes) -> requests.Response:
    """What a client does with the ticket: a plain form POST, the file last."""
    target = ticket["upload"]
    return requests.post(target["url"], data=target["fields"], files={"file": ("f", data)}, timeout=60)


def file_of(api: Api, key: str, source_id: str, file_id: str) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/sources/{source_id}/files/{file_id}", key)
    assert reply.status_code == 200, reply.text
    found: dict[str, Any] = reply.json()["file"]
    return found


def finished(api: Api, key: str, source_id: str, file_id: str) -> dict[str, Any]:
    """Poll the file until processing has finished, as a client would."""
    found: dict[str, Any] = wait_until(
        lambda: f if (f := file_of(api, key, source_id, file_id))["status"] in DONE else None, timeout=FILE_SECONDS
    )
    return found


def search(api: Api, key: str, source_id: str, query: str) -> list[dict[str, Any]]:
    reply = api.call("POST", "/v1/search", key, {"query": query, "sourceIds": [source_id], "limit": 5})
    assert reply.status_code == 200, reply.text
    results: list[dict[str, Any]] = reply.json()["results"]
    return results


def test_a_multipart_upload_completes_and_becomes_searchable_after_run_and_apply(api, writer_key, source_id):
    # Given a Markdown file sent through the API with its item's fields
    text = "# Shipping\n\nParcels to Norway take nine working days by courier.\n"
    reply = upload(api, writer_key, source_id, "shipping.md", text.encode(), tags='["logistics"]', title="Shipping")
    # Then it is accepted for processing, with where to poll
    assert reply.status_code == 202, reply.text
    accepted = reply.json()["file"]
    assert (accepted["externalItemId"], accepted["size"]) == ("shipping.md", len(text))
    # (processing may already have taken it: the queue's poller is quick)
    assert accepted["status"] in ("uploaded", "processing", "completed")
    assert reply.headers["Location"] == f"/api/v1/sources/{source_id}/files/{accepted['id']}"
    # When it has been processed
    done = finished(api, writer_key, source_id, accepted["id"])
    assert done["status"] == "completed", done
    # (the Markdown's text: the heading's marker is structure, not words)
    extracted = "Shipping\n\nParcels to Norway take nine working days by courier."
    assert done["result"] == {"pages": None, "characters": len(extracted), "chunks": 1, "outcome": "created"}
    # Then it is an item of the source, and a run and an apply publish it
    item = api.call("GET", f"/v1/sources/{source_id}/items/shipping.md", writer_key).json()["item"]
    assert (item["title"], item["tags"], item["content"]) == ("Shipping", ["logistics"], extracted)
    assert [s["headingPath"] for s in item["sections"]] == [["Shipping"]]
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["counts"]["created"] == 1
    hits = search(api, writer_key, source_id, "parcels Norway courier")
    assert hits and hits[0]["item"]["externalItemId"] == "shipping.md"


def test_a_presigned_upload_completes_and_becomes_searchable(api, writer_key, source_id):
    # Given a presigned upload for a file of a declared size
    data = ("The warranty covers water damage for two years. " * 50).encode()
    ticket = presign(api, writer_key, source_id, "warranty.txt", len(data), externalItemId="policy-warranty")
    assert ticket["file"]["status"] == "awaiting_upload"
    assert ticket["upload"]["method"] == "POST" and ticket["upload"]["expiresAt"] > ticket["file"]["createdAt"]
    # When the client sends the bytes straight to S3
    sent = send_to_s3(ticket, data)
    assert sent.status_code == 204, sent.text
    # Then the bucket's notification drives processing to completion
    done = finished(api, writer_key, source_id, ticket["file"]["id"])
    assert done["status"] == "completed", done
    assert done["result"]["characters"] == len(data.strip()) and done["result"]["chunks"] == 3
    run_and_apply(api, writer_key, source_id)
    hits = search(api, writer_key, source_id, "warranty water damage")
    assert hits and hits[0]["item"]["externalItemId"] == "policy-warranty"


def test_an_empty_file_fails_with_file_empty(api, writer_key, source_id):
    accepted = upload(api, writer_key, source_id, "empty.txt", b"").json()["file"]
    done = finished(api, writer_key, source_id, accepted["id"])
    assert (done["status"], done["error"]["code"]) == ("failed", "file_empty")
    assert done["error"]["message"]


def test_bytes_that_are_not_what_the_name_says_fail_alone(api, writer_key, source_id):
    # Given a "text" file that is really binary, and a good file uploaded at the same time
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    bad = upload(api, writer_key, source_id, "notes.txt", png).json()["file"]
    good = upload(api, writer_key, source_id, "good.txt", b"Opening hours are nine to five.").json()["file"]
    # Then the bad one fails with a reason extraction gives, and the good one is not held up
    failed = finished(api, writer_key, source_id, bad["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] in ("file_type_mismatch", "file_unsupported", "file_corrupt")
    assert finished(api, writer_key, source_id, good["id"])["status"] == "completed"


def test_a_multipart_body_over_the_limit_is_413(api, writer_key, source_id):
    reply = upload(api, writer_key, source_id, "big.txt", b"a" * (4 * 1024 * 1024 + 1))
    assert reply.status_code == 413, reply.text
    assert reply.json()["code"] == "payload_too_large"
    assert "files/uploads" in reply.json()["error"]


def test_s3_refuses_a_presigned_upload_larger_than_declared(api, writer_key, source_id):
    # Given an upload declared as 10 bytes
    ticket = presign(api, writer_key, source_id, "ten.txt", 10)
    # When 11 bytes are sent, Then S3 refuses them and nothing is processed
    refused = send_to_s3(ticket, b"a" * 11)
    assert refused.status_code == 400 and "EntityTooLarge" in refused.text
    assert file_of(api, writer_key, source_id, ticket["file"]["id"])["status"] == "awaiting_upload"
    # And the declared size itself is bounded (100 MiB)
    reply = api.call(
        "POST", f"/v1/sources/{source_id}/files/uploads", writer_key, {"filename": "x.txt", "size": 100 * 2**20 + 1}
    )
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")


def test_a_duplicate_notification_neither_processes_again_nor_regresses_the_file(api, writer_key, source_id, receiver):
    path = f"/ok/{uuid.uuid4().hex}"
    api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["file.processed"]})
    # Given a completed file
    accepted = upload(api, writer_key, source_id, "dup.txt", b"Returns are free within thirty days.").json()["file"]
    done = finished(api, writer_key, source_id, accepted["id"])
    assert done["status"] == "completed"
    receiver.wait_for(path, 1)
    # When S3 announces the same object again (notifications are delivered at least once), as a
    # new message that the function receives
    key = f"files/{api.info['tenant_id']}/{source_id}/{accepted['id']}"
    notification = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key, "size": 36}}}]}
    record = {"messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": json.dumps(notification)}
    reply = client("lambda", api.info["moto_endpoint"]).invoke(
        FunctionName=api.info["function_names"]["ProcessFileFunction"],
        Payload=json.dumps({"Records": [{**record, "eventSource": "aws:sqs", "attributes": {}}]}).encode(),
    )
    assert json.loads(reply["Payload"].read()) == {"batchItemFailures": []}
    # Then the file stays as it was
    assert file_of(api, writer_key, source_id, accepted["id"]) == done
    # And file.processed was sent once for it: a later file's event arrives, no second one of its own
    later = upload(api, writer_key, source_id, "later.txt", b"Exchanges take a week.").json()["file"]
    ours = {accepted["id"], later["id"]}  # (the tenant's other tests' files announce themselves too)

    def processed() -> list[str]:
        return [i for r in receiver.received(path) if (i := json.loads(r.body)["data"]["fileId"]) in ours]

    assert sorted(wait_until(lambda: got if len(got := processed()) >= 2 else None)) == sorted(ours)


def test_file_events_reach_a_webhook(api, writer_key, source_id, receiver):
    # Given a subscription to every file event
    path = f"/ok/{uuid.uuid4().hex}"
    api.call("POST", "/v1/webhooks", api.admin_key, {"url": receiver.url + path, "events": ["file.*"]})
    # When a good file and an empty one are uploaded
    good = upload(api, writer_key, source_id, "hours.txt", b"We open at nine.").json()["file"]
    empty = upload(api, writer_key, source_id, "void.txt", b"").json()["file"]
    # Then each is announced as uploaded, and then as processed or failed
    ours = {good["id"], empty["id"]}  # (the tenant's other tests' files announce themselves too)

    def announced() -> list[dict[str, Any]]:
        return [b for r in receiver.received(path) if (b := json.loads(r.body))["data"]["fileId"] in ours]

    got = wait_until(lambda: found if len(found := announced()) >= 4 else None)
    assert len(got) == 4
    events = {(event["type"], event["data"]["fileId"]) for event in got}
    assert events == {
        ("file.uploaded", good["id"]),
        ("file.processed", good["id"]),
        ("file.uploaded", empty["id"]),
        ("file.failed", empty["id"]),
    }
    processed = next(event["data"] for event in got if event["type"] == "file.processed")
    assert (processed["externalItemId"], processed["chunks"], processed["outcome"]) == ("hours.txt", 1, "created")


def test_a_file_id_is_not_found_from_another_tenant(api, writer_key, source_id, other_tenant_admin):
    accepted = upload(api, writer_key, source_id, "mine.txt", b"Private text.").json()["file"]
    # Another tenant, through our source id or through a source of its own, finds nothing
    assert api.call("GET", f"/v1/sources/{source_id}/files/{accepted['id']}", other_tenant_admin).status_code == 404
    theirs = api.call("POST", "/v1/sources", other_tenant_admin, {"name": "theirs"}).json()["source"]["id"]
    reply = api.call("GET", f"/v1/sources/{theirs}/files/{accepted['id']}", other_tenant_admin)
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")
    assert api.call("GET", f"/v1/sources/{theirs}/files", other_tenant_admin).json()["files"] == []


def test_a_read_key_lists_and_reads_files_but_cannot_upload(api, writer_key, source_id):
    reader = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "reader", "scope": "read"}).json()["secret"]
    refused = upload(api, reader, source_id, "r.txt", b"text")
    assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_scope")
    refused = api.call("POST", f"/v1/sources/{source_id}/files/uploads", reader, {"filename": "r.txt", "size": 4})
    assert refused.status_code == 403
    first = upload(api, writer_key, source_id, "a.txt", b"first").json()["file"]
    second = upload(api, writer_key, source_id, "b.txt", b"second").json()["file"]
    # Newest first, cursor-paged
    page = api.call("GET", f"/v1/sources/{source_id}/files?limit=1", reader).json()
    assert [f["id"] for f in page["files"]] == [second["id"]] and page["nextCursor"]
    rest = api.call("GET", f"/v1/sources/{source_id}/files?limit=1&cursor={page['nextCursor']}", reader).json()
    assert [f["id"] for f in rest["files"]] == [first["id"]]
    assert file_of(api, reader, source_id, first["id"])["filename"] == "a.txt"


def test_two_uploads_racing_to_one_item_leave_the_later_one(api, writer_key, source_id):
    # Given two clients uploading the same file name at the same moment
    barrier = threading.Barrier(2)
    accepted: dict[str, dict[str, Any]] = {}

    def send(text: str) -> None:
        barrier.wait()
        accepted[text] = upload(api, writer_key, source_id, "race.txt", text.encode()).json()["file"]

    threads = [threading.Thread(target=send, args=(t,)) for t in ("version one", "version two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # When both have been processed
    outcomes = {text: finished(api, writer_key, source_id, f["id"]) for text, f in accepted.items()}
    # Then the item holds the upload with the later file id; the other completed before it or was superseded
    later = max(accepted, key=lambda text: accepted[text]["id"])
    earlier = next(text for text in accepted if text != later)
    assert outcomes[later]["status"] == "completed"
    assert outcomes[earlier]["status"] == "completed" or outcomes[earlier]["error"]["code"] == "file_superseded"
    assert api.call("GET", f"/v1/sources/{source_id}/items/race.txt", writer_key).json()["item"]["content"] == later


def test_the_examples_in_docs_files_md_run(api, writer_key):
    # Given the bash blocks of docs/files.md, in order, as one script
    text = (ROOT / "docs" / "files.md").read_text()
    script = "\n".join(re.findall(r"```bash\n(.*?)```", text, flags=re.S))
    # When they run against the stack
    env = {"CHATBOT_API": api.url, "CHATBOT_KEY": writer_key, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    started = time.monotonic()
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    # Then every step succeeds and the last one finds the uploaded document
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "204" in done.stdout and "completed" in done.stdout and "handbook.md" in done.stdout, done.stdout
    # And the bulk import read every line of its file
    assert '{"status":"succeeded","accepted":500,"rejected":0}' in done.stdout, done.stdout
    assert time.monotonic() - started < 300
