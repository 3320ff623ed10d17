"""Sources: update, cursor pagination, archive."""

from tests.e2e.conftest import push, run


def test_patch_changes_name_and_grace_days(api, writer_key, source_id):
    reply = api.call("PATCH", f"/v1/sources/{source_id}", writer_key, {"name": "Help centre", "graceDays": 0})
    assert reply.status_code == 200
    assert (reply.json()["source"]["name"], reply.json()["source"]["graceDays"]) == ("Help centre", 0)
    assert api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]["graceDays"] == 0


def test_an_empty_patch_is_a_validation_error(api, writer_key, source_id):
    reply = api.call("PATCH", f"/v1/sources/{source_id}", writer_key, {})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")


def test_listing_pages_with_a_cursor_and_misses_nothing(api, other_tenant_admin):
    # Given a tenant with five sources
    made = {
        api.call("POST", "/v1/sources", other_tenant_admin, {"name": f"s{i}"}).json()["source"]["id"] for i in range(5)
    }
    # When listed two at a time
    seen, cursor = [], None
    while True:
        reply = api.call("GET", "/v1/sources?limit=2" + (f"&cursor={cursor}" if cursor else ""), other_tenant_admin)
        seen += [s["id"] for s in reply.json()["sources"]]
        cursor = reply.json()["nextCursor"]
        if not cursor:
            break
    # Then every source appears exactly once
    assert sorted(seen) == sorted(made)


def test_an_archived_source_refuses_changes_with_source_inactive(api, writer_key, source_id):
    push(api, writer_key, source_id, "faq-1", "Refunds take 14 days.")
    planned = run(api, writer_key, source_id)
    archived = api.call("DELETE", f"/v1/sources/{source_id}", writer_key)
    assert archived.json()["source"]["status"] == "archived"
    attempts = [
        push(api, writer_key, source_id, "faq-2", "More."),
        api.call("PATCH", f"/v1/sources/{source_id}", writer_key, {"name": "x"}),
        api.call("POST", f"/v1/sources/{source_id}/runs", writer_key),
        api.call("POST", f"/v1/sources/{source_id}/runs/{planned['id']}/apply", writer_key),
        api.call("POST", f"/v1/sources/{source_id}/snapshots", writer_key),
        api.call(
            "POST",
            f"/v1/sources/{source_id}/items/batch",
            writer_key,
            {"items": [{"externalItemId": "a", "content": "b"}]},
        ),
        api.call("DELETE", f"/v1/sources/{source_id}/items/faq-1", writer_key),
    ]
    assert [(r.status_code, r.json()["code"]) for r in attempts] == [(409, "source_inactive")] * len(attempts)
    # And reading still works
    assert api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]["status"] == "archived"
    assert api.call("GET", f"/v1/sources/{source_id}/items/faq-1", writer_key).status_code == 200
