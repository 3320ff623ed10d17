"""Authentication, authorization and tenant isolation over HTTP, in the stable error shape."""

import re
import secrets

import yaml

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb.storage import Table
from local.deploy import client
from tests.helpers import ROOT

METHODS = ("get", "post", "put", "patch", "delete")


def operations_requiring_a_key() -> list[tuple[str, str, bool]]:
    """(method, path, whether it takes a multipart form) of each operation that needs a key."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    return [
        (method.upper(), path, "multipart/form-data" in operation.get("requestBody", {}).get("content", {}))
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS and operation.get("security", spec.get("security"))
    ]


def test_every_operation_refuses_a_missing_and_an_unknown_key(api):
    # Given every operation openapi.yaml says needs a key (its ids made up: authentication comes first)
    operations = operations_requiring_a_key()
    assert len(operations) > 60
    for index, (method, path, multipart) in enumerate(operations):
        url = re.sub(r"\{[^}]+\}", "x1", path)
        # (a body of the media type the operation takes: a form's is checked before the key)
        body: dict[str, object] | None = {} if method in ("POST", "PUT", "PATCH") and not multipart else None
        form = {"files": {"file": ("a.txt", b"x")}} if multipart else {}
        # (each from its own loopback address, with its own made-up key id: the failed-authentication
        # limits count per address and per key id)
        address = f"127.0.2.{index + 1}"
        unknown_key = f"sk_live_{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"
        # When it is called without a key, and with an unknown one
        missing = api.call(method, url, None, body, source_address=address, **form)
        unknown = api.call(method, url, unknown_key, body, source_address=address, **form)
        # Then both are refused with 401 in the stable shape
        assert (missing.status_code, missing.json()["code"]) == (401, "unauthorized"), (method, path, missing.text)
        assert (unknown.status_code, unknown.json()["code"]) == (401, "invalid_key"), (method, path, unknown.text)


def test_a_missing_authorization_header_is_unauthorized(api):
    reply = api.call("GET", "/v1/sources")
    assert reply.status_code == 401
    assert reply.json() == {"error": reply.json()["error"], "code": "unauthorized"}


def test_an_unknown_key_is_invalid_key(api):
    reply = api.call("GET", "/v1/sources", "sk_live_0123456789abcdef_" + "x" * 43)
    assert (reply.status_code, reply.json()["code"]) == (401, "invalid_key")


def test_a_write_key_cannot_create_keys(api, writer_key):
    reply = api.call("POST", "/v1/admin/keys", writer_key, {"name": "nope"})
    assert (reply.status_code, reply.json()["code"]) == (403, "insufficient_scope")


def test_a_missing_source_is_not_found(api, writer_key):
    reply = api.call("GET", "/v1/sources/src_missing", writer_key)
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")


def test_a_bad_body_names_the_field(api, writer_key):
    reply = api.call("POST", "/v1/sources", writer_key, {"name": "", "graceDays": 7})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("name:")


def test_another_tenants_source_is_not_found(api, writer_key, source_id):
    # Given a second tenant with its own admin key
    table = Table(client("dynamodb", api.info["moto_endpoint"]), api.info["table_name"])
    other = bootstrap_tenant(KeyRepository(table), "other").secret
    # When it reads, writes to, or runs the first tenant's source
    reads = api.call("GET", f"/v1/sources/{source_id}", other)
    writes = api.call("POST", f"/v1/sources/{source_id}/items", other, {"externalItemId": "x", "content": "y"})
    runs = api.call("POST", f"/v1/sources/{source_id}/runs", other)
    listed = api.call("GET", "/v1/sources", other)
    # Then it sees nothing of it
    assert [r.status_code for r in (reads, writes, runs)] == [404, 404, 404]
    assert source_id not in [s["id"] for s in listed.json()["sources"]]


def test_an_unknown_route_is_404(api):
    reply = api.call("GET", "/v1/nothing-here")
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")
