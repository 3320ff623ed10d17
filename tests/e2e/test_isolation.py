"""A key of one tenant can neither read nor change anything of another: every operation in
openapi.yaml, driven with the other tenant's admin key against this tenant's resources."""

import yaml

from tests.e2e.conftest import POLL_SECONDS, push, run_and_apply
from tests.e2e.receiver import wait_until
from tests.helpers import ROOT

# Operations that create in, or list, the caller's own tenant: checked by what they return.
_OWN_TENANT_OPERATIONS = {
    ("post", "/v1/sources"),
    ("post", "/v1/admin/keys"),
    ("post", "/v1/webhooks"),
    ("get", "/health"),
    # B's own training (B has none running: 409) and B's own analytics settings.
    ("post", "/v1/train/cancel"),
    ("patch", "/v1/analytics/settings"),
}
# Serving operations need a valid question: B asks about A's content (or A's chat) and gets none of it.
_BODIES: dict[str, dict[str, object]] = {
    "/v1/search": {"query": "refunds"},
    "/v1/query": {"query": "refunds"},
    "/v1/chats": {"message": "refunds"},
    "/v1/chats/{chatId}/messages": {"message": "refunds"},
    "/v1/search/explain": {"query": "refunds", "sourceId": "{sourceId}", "externalItemId": "faq-1"},
    "/v1/sources/{sourceId}/files/uploads": {"filename": "notes.txt", "size": 1},
    "/v1/sources/{sourceId}/imports": {"mode": "upsert"},
    # A PATCH must change something; a valid one reaches the ownership check.
    "/v1/sources/{sourceId}": {"name": "taken over"},
    "/v1/webhooks/{webhookId}": {"description": "taken over"},
    "/v1/admin/keys/{keyId}": {"name": "taken over"},
    "/v1/sources/{sourceId}/evaluation/queries/{queryId}": {"query": "refunds", "relevantItemIds": ["faq-1"]},
    # B trains A's source, rates A's answer.
    "/v1/train": {"sourceIds": ["{sourceId}"]},
    "/v1/feedback": {"queryId": "{loggedQueryId}", "rating": "down"},
}
# Operations whose body (not path) names one of A's resources.
_NAMING_IN_BODY = {"/v1/search/explain", "/v1/train", "/v1/feedback"}
# Operations whose query string names one of A's resources.
_QUERY_STRINGS = {"/v1/train/status": "?jobId={jobId}"}
# Uploads take a multipart form: B sends a real file into A's source.
_MULTIPART = {"/v1/sources/{sourceId}/files"}


def test_no_operation_reaches_another_tenants_resources(api, writer_key, source_id, other_tenant_admin):
    # Given tenant A's source with an item, a run, a generation, a snapshot, a file, an import and a key
    push(api, writer_key, source_id, "faq-1", "Refunds take 14 days.")
    planned, applied = run_and_apply(api, writer_key, source_id)
    snapshot_id = api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key).json()["snapshot"]["id"]
    key_id = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "a"}).json()["key"]["id"]
    hook = api.call("POST", "/v1/webhooks", api.admin_key, {"url": "http://127.0.0.1:9/h", "events": ["*"]}).json()
    chat = api.call("POST", "/v1/chats", writer_key, {"message": "refunds?", "sourceIds": [source_id]}).json()
    uploaded = api.call("POST", f"/v1/sources/{source_id}/files", writer_key, files={"file": ("a.txt", b"Refunds.")})
    imported = api.call("POST", f"/v1/sources/{source_id}/imports", writer_key, {"mode": "upsert"})
    evaluation = {"query": "refunds", "relevantItemIds": ["faq-1"]}
    api.call("PUT", f"/v1/sources/{source_id}/evaluation/queries/q-iso", writer_key, evaluation)
    answered = api.call("POST", "/v1/query", writer_key, {"query": "refunds", "sourceIds": [source_id]}).json()
    job = api.call("POST", "/v1/train", writer_key, {"sourceIds": [source_id]}).json()["job"]
    ids = {
        "webhookId": hook["webhook"]["id"],
        "deliveryId": "msg_none",
        "sourceId": source_id,
        "runId": planned["id"],
        "generationId": applied["generationId"],
        "snapshotId": snapshot_id,
        "keyId": key_id,
        "externalItemId": "faq-1",
        "chatId": chat["chat"]["id"],
        "fileId": uploaded.json()["file"]["id"],
        "importId": imported.json()["import"]["id"],
        "queryId": "q-iso",
        "loggedQueryId": answered["queryId"],
        "jobId": job["id"],
    }
    # (A's training job ends before B's calls: it must not be running when later tests train)
    status_path = f"/v1/train/status?jobId={job['id']}"
    ended = ("completed", "failed", "cancelled")
    wait_until(lambda: api.call("GET", status_path, writer_key).json()["job"]["status"] in ended, POLL_SECONDS)
    before = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()
    # When tenant B's admin key calls every operation on them
    contract = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    checked = 0
    for path, operations in contract["paths"].items():
        for method in operations:
            if (method, path) in _OWN_TENANT_OPERATIONS:
                continue
            url = path.format(**ids) + _QUERY_STRINGS.get(path, "").format(**ids)
            body: dict[str, object] | None = _BODIES.get(path, {}) if method in ("post", "patch", "put") else None
            if body is not None:
                body = {name: _filled(v, ids) for name, v in body.items()}
            if method == "post" and path in _MULTIPART:
                reply = api.call("POST", url, other_tenant_admin, files={"file": ("b.txt", b"Not yours.")})
            else:
                reply = api.call(method.upper(), url, other_tenant_admin, body)
            if "{" in path or path in _NAMING_IN_BODY or path in _QUERY_STRINGS:
                # Then every operation on A's resources is 404 not_found
                assert (reply.status_code, reply.json()["code"]) == (404, "not_found"), (method, path, reply.text)
            else:
                # And every listing shows none of A's resources
                assert reply.status_code in (200, 201), (method, path, reply.text)
                assert not any(value in reply.text for value in ids.values() if value != "faq-1"), (method, path)
            checked += 1
    assert checked >= 25
    # And nothing of A changed
    assert api.call("GET", f"/v1/sources/{source_id}", writer_key).json() == before


def _filled(value: object, ids: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    return value
