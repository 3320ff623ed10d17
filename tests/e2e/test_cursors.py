"""Page cursors over HTTP: pages follow each other to the end, and a cursor that is garbage, was
tampered with, or comes from another listing or tenant is 400 invalid_cursor (never page one)."""

import base64
import json
from typing import Any

import pytest

from tests.e2e.conftest import push, run


def old_style(key: dict[str, Any]) -> str:
    """A cursor as a client could forge one when they were plain base64 JSON."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def pages(api, key: str, path: str, field: str) -> list[list[str]]:
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        reply = api.call("GET", path, key, params=params)
        assert reply.status_code == 200, reply.text
        seen.append([entry.get("id") or entry.get("externalItemId") for entry in reply.json()[field]])
        cursor = reply.json()["nextCursor"]
        if cursor is None:
            return seen


def first_cursor(api, key: str, path: str) -> str:
    reply = api.call("GET", path, key, params={"limit": 1})
    assert reply.status_code == 200, reply.text
    cursor: str = reply.json()["nextCursor"]
    assert cursor
    return cursor


def assert_invalid_cursor(reply) -> None:
    assert (reply.status_code, reply.json()["code"]) == (400, "invalid_cursor"), reply.text


@pytest.fixture
def three_items(api, writer_key, source_id):
    for item_id in ("a", "b", "c"):
        assert push(api, writer_key, source_id, item_id, f"content {item_id}").status_code == 201
    return source_id


def test_pages_follow_each_other_to_the_end(api, writer_key, three_items):
    assert pages(api, writer_key, f"/v1/sources/{three_items}/items", "items") == [["a"], ["b"], ["c"]]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "e30.AAAA",
        old_style({"pk": "SOURCE#src_x", "sk": "ITEM#a"}),
        old_style({"pk": "SOURCE#src_x", "sk": 5}),  # a number in the key (was a 500)
        old_style({"pk": "SOURCE#src_x", "sk": ["ITEM#a"]}),  # a list in the key (was a 500)
    ],
    ids=["garbage", "unsigned", "forged key", "number in key", "list in key"],
)
def test_a_cursor_the_api_did_not_give_out_is_invalid(api, writer_key, three_items, cursor):
    reply = api.call("GET", f"/v1/sources/{three_items}/items", writer_key, params={"cursor": cursor})
    assert_invalid_cursor(reply)


def test_a_tampered_cursor_is_invalid(api, writer_key, three_items):
    # Given a genuine cursor whose position is changed, keeping its signature
    payload, signature = first_cursor(api, writer_key, f"/v1/sources/{three_items}/items").split(".")
    position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    position["sk"] = "ITEM#"
    forged = base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=") + "." + signature
    # When it is used, then it is refused
    assert_invalid_cursor(api.call("GET", f"/v1/sources/{three_items}/items", writer_key, params={"cursor": forged}))


def test_a_cursor_from_another_sources_items_is_invalid(api, writer_key, three_items):
    # Given a cursor of one source's items and a second source with items of its own
    cursor = first_cursor(api, writer_key, f"/v1/sources/{three_items}/items")
    other = api.call("POST", "/v1/sources", writer_key, {"name": "Other", "graceDays": 1}).json()["source"]["id"]
    for item_id in ("a", "b"):
        push(api, writer_key, other, item_id, "x")
    # When the cursor is used on the second source's items, then it is refused
    reply = api.call("GET", f"/v1/sources/{other}/items", writer_key, params={"cursor": cursor})
    assert_invalid_cursor(reply)


def test_a_cursor_from_another_listing_is_invalid(api, writer_key):
    # Given a cursor of the caller's keys listing (there are several keys)
    cursor = first_cursor(api, api.admin_key, "/v1/admin/keys")
    # When it is used on the sources listing, then it is refused
    assert_invalid_cursor(api.call("GET", "/v1/sources", api.admin_key, params={"cursor": cursor}))


def test_a_cursor_from_another_tenant_is_invalid(api, other_tenant_admin):
    # Given a cursor of this tenant's sources, with sources in both tenants
    for name in ("one", "two"):
        api.call("POST", "/v1/sources", other_tenant_admin, {"name": name, "graceDays": 1})
        api.call("POST", "/v1/sources", api.admin_key, {"name": name, "graceDays": 1})
    cursor = first_cursor(api, api.admin_key, "/v1/sources")
    # When the other tenant uses it on its own sources, then it is refused
    assert_invalid_cursor(api.call("GET", "/v1/sources", other_tenant_admin, params={"cursor": cursor}))


def test_every_listing_refuses_a_garbage_cursor(api, writer_key, source_id):
    # Given one of each listed thing
    run_id = run(api, writer_key, source_id)["id"]
    webhook = api.call(
        "POST", "/v1/webhooks", api.admin_key, {"url": "http://127.0.0.1:9/hook", "events": ["run.completed"]}
    )
    assert webhook.status_code == 201, webhook.text
    chat = api.call("POST", "/v1/chats", writer_key, {"message": "hello?"})
    assert chat.status_code == 201, chat.text
    listings = [
        "/v1/sources",
        "/v1/admin/keys",
        "/v1/webhooks",
        f"/v1/webhooks/{webhook.json()['webhook']['id']}/deliveries",
        f"/v1/sources/{source_id}/items",
        f"/v1/sources/{source_id}/runs",
        f"/v1/sources/{source_id}/runs/{run_id}/changes",
        f"/v1/sources/{source_id}/generations",
        f"/v1/chats/{chat.json()['chat']['id']}/history",
    ]
    # When each is asked for a page after a garbage cursor, then each refuses it
    for path in listings:
        key = api.admin_key if "admin" in path or "webhooks" in path else writer_key
        assert_invalid_cursor(api.call("GET", path, key, params={"cursor": "garbage"}))
