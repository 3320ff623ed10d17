"""API keys over HTTP: listing, rotation with overlap, revocation, expiry, scopes."""

from datetime import UTC, datetime, timedelta


def create_key(api, **body):
    reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "k", **body})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_listing_keys_never_shows_a_secret(api):
    created = create_key(api, scope="read")
    # Every page of the listing (the suite's tenant holds more keys than one page)
    pages, cursor = [], None
    while True:
        listed = api.call("GET", "/v1/admin/keys?limit=100" + (f"&cursor={cursor}" if cursor else ""), api.admin_key)
        assert listed.status_code == 200
        pages.append(listed)
        cursor = listed.json()["nextCursor"]
        if cursor is None:
            break
    keys = [k for page in pages for k in page.json()["keys"]]
    assert created["key"]["id"] in [k["id"] for k in keys]
    assert all(not {"secret", "secretHash", "previousSecretHash"} & set(k) for k in keys)
    secret_part = created["secret"].split("_", 3)[3]  # sk_live_<keyId>_<secret>; the secret may hold "_"
    assert all(secret_part not in page.text for page in pages)


def test_a_rotated_key_accepts_both_secrets_during_the_overlap(api):
    old = create_key(api, scope="read")
    rotated = api.call("POST", f"/v1/admin/keys/{old['key']['id']}/rotate", api.admin_key, {"overlapSeconds": 3600})
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != old["secret"]
    assert api.call("GET", "/v1/sources", old["secret"]).status_code == 200
    assert api.call("GET", "/v1/sources", new_secret).status_code == 200


def test_after_the_overlap_the_old_secret_is_key_expired(api, controls):
    # Given a key rotated with a minute of overlap
    old = create_key(api, scope="read")
    rotated = api.call("POST", f"/v1/admin/keys/{old['key']['id']}/rotate", api.admin_key, {"overlapSeconds": 60})
    assert api.call("GET", "/v1/sources", old["secret"]).status_code == 200
    # When the key's clock passes the overlap
    controls.shift_key_clock(old["key"]["id"], 61)
    # Then the old secret is key_expired and the new one works
    expired = api.call("GET", "/v1/sources", old["secret"])
    assert (expired.status_code, expired.json()["code"]) == (401, "key_expired")
    assert api.call("GET", "/v1/sources", rotated.json()["secret"]).status_code == 200


def test_rotation_without_a_body_uses_the_default_overlap_of_a_day(api):
    old = create_key(api, scope="read")
    rotated = api.call("POST", f"/v1/admin/keys/{old['key']['id']}/rotate", api.admin_key)
    assert rotated.status_code == 200
    ends = datetime.fromisoformat(rotated.json()["key"]["previousSecretExpiresAt"])
    assert timedelta(hours=23) < ends - datetime.now(UTC) <= timedelta(hours=24)


def test_a_revoked_key_is_key_revoked(api):
    key = create_key(api, scope="write")
    revoked = api.call("DELETE", f"/v1/admin/keys/{key['key']['id']}", api.admin_key)
    assert (revoked.status_code, revoked.json()["key"]["status"]) == (200, "revoked")
    reply = api.call("GET", "/v1/sources", key["secret"])
    assert (reply.status_code, reply.json()["code"]) == (401, "key_revoked")


def test_a_key_past_its_expires_at_is_key_expired(api, controls):
    # Given a key that expires in an hour
    key = create_key(api, scope="read", expiresAt=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    assert api.call("GET", "/v1/sources", key["secret"]).status_code == 200
    # When the key's clock passes its expiresAt
    controls.shift_key_clock(key["key"]["id"], 2 * 3600)
    # Then it is key_expired
    reply = api.call("GET", "/v1/sources", key["secret"])
    assert (reply.status_code, reply.json()["code"]) == (401, "key_expired")


def test_a_key_cannot_be_created_already_expired(api):
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "k", "scope": "read", "expiresAt": past})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("expiresAt:")


def test_a_read_key_cannot_write_and_a_write_key_cannot_administer(api, writer_key):
    reader = create_key(api, scope="read")["secret"]
    writes = api.call("POST", "/v1/sources", reader, {"name": "x"})
    administers = api.call("GET", "/v1/admin/keys", writer_key)
    assert (writes.status_code, writes.json()["code"]) == (403, "insufficient_scope")
    assert (administers.status_code, administers.json()["code"]) == (403, "insufficient_scope")


def test_another_tenants_key_cannot_be_seen_or_rotated(api, other_tenant_admin):
    key = create_key(api, scope="read")
    for method, path in (("GET", ""), ("POST", "/rotate"), ("DELETE", "")):
        reply = api.call(method, f"/v1/admin/keys/{key['key']['id']}{path}", other_tenant_admin)
        assert (reply.status_code, reply.json()["code"]) == (404, "not_found")
    assert api.call("GET", "/v1/sources", key["secret"]).status_code == 200
