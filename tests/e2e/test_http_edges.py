"""The edges of HTTP, over the local gateway: bodies the JSON parser refuses, chunked bodies,
methods a route does not have, HEAD and OPTIONS, and no CORS unless configured."""

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests


def raw_request(api, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    """One request with exactly these bytes and headers (requests would fix them up)."""
    url = urlsplit(api.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.putrequest(method, url.path + path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body is not None:
            connection.send(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "x", "graceDays": ' + b"9" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"name": "caf\xe9", "graceDays": 1}',
    ],
    ids=["5000-digit integer", "100000 levels of nesting", "invalid UTF-8"],
)
def test_a_body_the_json_parser_refuses_is_400_invalid_json(api, writer_key, body):
    headers = {"Authorization": f"Bearer {writer_key}", "Content-Type": "application/json"}
    reply = requests.post(f"{api.url}/v1/sources", data=body, headers=headers, timeout=60)
    assert (reply.status_code, reply.json()["code"]) == (400, "invalid_json")


def test_a_chunked_body_reaches_the_function(api, writer_key):
    # Given a source sent with Transfer-Encoding: chunked (no Content-Length)
    body = json.dumps({"name": "Chunked", "graceDays": 3}).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    headers = {
        "Authorization": f"Bearer {writer_key}",
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
    }
    # When it is posted
    status, _, reply = raw_request(api, "POST", "/v1/sources", headers, chunked)
    # Then the source is created from that body
    assert status == 201, reply
    assert json.loads(reply)["source"]["name"] == "Chunked"


def test_a_wrong_method_on_a_known_route_is_405_with_allow(api):
    reply = api.call("PUT", "/v1/sources", api.admin_key)
    assert (reply.status_code, reply.json()["code"]) == (405, "method_not_allowed")
    assert reply.headers["Allow"] == "GET, POST, OPTIONS"


def test_head_on_a_read_route_is_405_with_allow_and_no_body(api):
    status, headers, body = raw_request(api, "HEAD", "/v1/sources", {"Authorization": f"Bearer {api.admin_key}"})
    assert (status, headers["allow"], body) == (405, "GET, POST, OPTIONS", b"")


def test_options_on_a_known_route_is_204_with_allow(api):
    reply = api.call("OPTIONS", "/v1/sources/src_1/items")
    assert (reply.status_code, reply.headers["Allow"], reply.content) == (204, "GET, POST, OPTIONS", b"")


def test_without_configured_origins_there_is_no_cors(api, writer_key):
    reply = api.call("GET", "/v1/sources", writer_key, headers={"Origin": "https://app.example"})
    assert reply.status_code == 200
    assert "Access-Control-Allow-Origin" not in reply.headers
