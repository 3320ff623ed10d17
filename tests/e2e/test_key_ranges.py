"""An API key restricted to source ranges works only from them (403 ip_not_allowed elsewhere).
The address is the one the gateway saw on the socket (requestContext.http.sourceIp): these tests
connect from different loopback addresses."""


def restricted_key(api, ranges: list[str]) -> tuple[str, str]:
    reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "ranged", "scope": "read", "allowedIps": ranges})
    assert reply.status_code == 201, reply.text
    return reply.json()["key"]["id"], reply.json()["secret"]


def test_a_key_works_only_from_its_ranges(api):
    # Given a key restricted to 127.0.0.2 and an IPv6 range
    key_id, key = restricted_key(api, ["127.0.0.2/32", "2001:db8::/32"])
    assert api.call("GET", f"/v1/admin/keys/{key_id}", api.admin_key).json()["key"]["allowedIps"] == [
        "127.0.0.2/32",
        "2001:db8::/32",
    ]
    # When it is used from inside and from outside them
    inside = api.call("GET", "/v1/sources", key, source_address="127.0.0.2")
    outside = api.call("GET", "/v1/sources", key, source_address="127.0.0.3")
    # Then only the request from inside is served
    assert inside.status_code == 200
    assert (outside.status_code, outside.json()["code"]) == (403, "ip_not_allowed")
    assert "127.0.0.3" in outside.json()["error"]


def test_a_key_restricted_to_ipv6_ranges_is_refused_from_ipv4(api):
    _, key = restricted_key(api, ["::1/128"])
    reply = api.call("GET", "/v1/sources", key, source_address="127.0.0.4")
    assert (reply.status_code, reply.json()["code"]) == (403, "ip_not_allowed")


def test_an_update_replaces_the_ranges_and_an_empty_list_lifts_them(api):
    key_id, key = restricted_key(api, ["10.0.0.0/8"])
    assert api.call("GET", "/v1/sources", key, source_address="127.0.0.5").status_code == 403
    # When the admin moves the key to 127.0.0.0/8
    moved = api.call("PATCH", f"/v1/admin/keys/{key_id}", api.admin_key, {"allowedIps": ["127.0.0.0/8"]})
    assert moved.status_code == 200 and moved.json()["key"]["allowedIps"] == ["127.0.0.0/8"]
    assert api.call("GET", "/v1/sources", key, source_address="127.0.0.5").status_code == 200
    # When the admin lifts the restriction
    lifted = api.call("PATCH", f"/v1/admin/keys/{key_id}", api.admin_key, {"allowedIps": []})
    assert lifted.json()["key"]["allowedIps"] is None
    assert api.call("GET", "/v1/sources", key, source_address="127.0.0.6").status_code == 200


def test_a_range_that_is_not_a_cidr_is_a_validation_error(api):
    for bad in (["10.0.0.1/8"], ["not-an-ip"], ["::1/129"]):
        reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "bad", "allowedIps": bad})
        assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), bad
        assert "allowedIps" in reply.json()["error"]
