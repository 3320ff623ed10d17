import base64
import io
import json
from pathlib import Path

import pytest
import requests

from local.cfn import Resolver
from local.deploy import Deployment
from local.gateway import BadRequest, Gateway, _from_lambda, build_event, compile_routes, cors_policy, read_body
from local.template import FunctionSpec, Route, read_template
from tests.helpers import ROOT


def deployment_with(*routes: tuple[str, str, str]) -> Deployment:
    deployment = Deployment(endpoint="http://x", stack_name="s", resolver=Resolver({}, {}))
    for name, method, path in routes:
        spec = FunctionSpec(name, Path("."), "app.handler", "python3.13", 3, 128, {}, [], [Route(method, path)])
        deployment.functions_by_name[name] = spec
    return deployment


def test_a_literal_route_wins_over_a_parameter_route():
    routes = compile_routes(
        deployment_with(("byId", "GET", "/api/v1/sources/{sourceId}"), ("list", "GET", "/api/v1/sources"))
    )
    matched = [r.function_name for r in routes if r.pattern.match("/api/v1/sources")]
    assert matched[0] == "list"


def test_the_event_is_payload_format_2_0_with_path_parameters():
    route = compile_routes(deployment_with(("get", "GET", "/api/v1/sources/{sourceId}")))[0]
    params = route.pattern.match("/api/v1/sources/src_1").groupdict()  # type: ignore[union-attr]
    event = build_event("GET", "/api/v1/sources/src_1?limit=5&a=1&a=2", {"host": "h"}, b"", route, params, "127.0.0.1")
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /api/v1/sources/{sourceId}"
    assert event["pathParameters"] == {"sourceId": "src_1"}
    assert event["queryStringParameters"] == {"limit": "5", "a": "1,2"}
    assert event["requestContext"]["http"]["method"] == "GET"


def test_a_json_body_travels_as_text_and_binary_as_base64():
    route = compile_routes(deployment_with(("p", "POST", "/api/x")))[0]
    as_json = build_event("POST", "/api/x", {"content-type": "application/json"}, b'{"a":1}', route, {}, "::1")
    as_binary = build_event(
        "POST", "/api/x", {"content-type": "application/octet-stream"}, b"\x00\x01", route, {}, "::1"
    )
    assert (as_json["body"], as_json["isBase64Encoded"]) == ('{"a":1}', False)
    assert (as_binary["body"], as_binary["isBase64Encoded"]) == ("AAE=", True)


def test_a_multipart_form_travels_as_base64_even_when_its_bytes_are_utf8():
    # Given a file upload (multipart/form-data) whose parts happen to be text
    route = compile_routes(deployment_with(("p", "POST", "/api/x")))[0]
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--b--\r\n'
    headers = {"content-type": "multipart/form-data; boundary=b"}
    # When it becomes the function's event
    event = build_event("POST", "/api/x", headers, body, route, {}, "::1")
    # Then it is base64, as HTTP API sends any media type that is not text (and counts 4/3 of it)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_a_bare_json_result_is_a_200_json_response():
    assert _from_lambda(json.dumps({"ok": True}).encode()) == (
        200,
        {"content-type": "application/json"},
        b'{"ok": true}',
    )


def test_a_structured_result_keeps_status_headers_and_body():
    payload = json.dumps({"statusCode": 201, "headers": {"X-A": "1"}, "body": "hi", "isBase64Encoded": False})
    assert _from_lambda(payload.encode()) == (201, {"x-a": "1"}, b"hi")


def test_a_json_body_that_is_not_utf8_travels_untouched_as_base64():
    # Given a JSON body with a byte that is not UTF-8
    route = compile_routes(deployment_with(("p", "POST", "/api/x")))[0]
    body = b'{"name": "caf\xe9"}'
    # When it becomes the function's event
    event = build_event("POST", "/api/x", {"content-type": "application/json"}, body, route, {}, "::1")
    # Then the function gets those very bytes (no replacement character)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body


def test_a_chunked_body_is_read_whole():
    stream = io.BytesIO(b'7\r\n{"a": 1\r\n1;ext=x\r\n}\r\n0\r\nTrailer: t\r\n\r\nNEXT REQUEST')
    assert read_body({"transfer-encoding": "chunked"}, stream) == b'{"a": 1}'
    assert stream.read() == b"NEXT REQUEST"


@pytest.mark.parametrize("raw", [b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nab\r\n0\r\n\r\n"])
def test_a_malformed_chunked_body_is_a_bad_request(raw: bytes):
    with pytest.raises(BadRequest):
        read_body({"transfer-encoding": "chunked"}, io.BytesIO(raw))


def test_cors_is_off_unless_the_parameter_names_origins():
    assert cors_policy(read_template(ROOT)) is None


def test_cors_follows_the_templates_configuration_for_the_named_origins():
    # Given the template with CorsAllowOrigins set
    policy = cors_policy(read_template(ROOT, {"CorsAllowOrigins": "https://a.example, https://b.example"}))
    assert policy is not None
    # Then an allowed origin is echoed with what the template configures; any other gets nothing
    assert policy.preflight_headers("https://b.example")["access-control-allow-origin"] == "https://b.example"
    assert "authorization" in policy.preflight_headers("https://a.example")["access-control-allow-headers"]
    assert "x-ratelimit-remaining" in policy.response_headers("https://a.example")["access-control-expose-headers"]
    assert policy.response_headers("https://evil.example") == {}


class EchoFunction:
    """Stands in for the Lambda API: answers each event with the body it was given."""

    def invoke(self, FunctionName: str, Payload: bytes) -> dict:
        event = json.loads(Payload)
        body = json.dumps({"body": event.get("body"), "base64": event["isBase64Encoded"]})
        reply = {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": body}
        return {"Payload": io.BytesIO(json.dumps(reply).encode())}


@pytest.fixture
def cors_gateway():
    policy = cors_policy(read_template(ROOT, {"CorsAllowOrigins": "https://app.example"}))
    gateway = Gateway(deployment_with(("list", "GET", "/api/v1/sources")), "127.0.0.1", 0, policy)
    gateway.lambda_client = EchoFunction()
    gateway.start()
    yield gateway
    gateway.stop()


def test_with_origins_configured_the_gateway_answers_preflights_itself(cors_gateway):
    preflight = requests.options(
        f"{cors_gateway.url}/api/v1/sources",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_with_origins_configured_responses_carry_cors_headers_for_an_allowed_origin_only(cors_gateway):
    allowed = requests.get(f"{cors_gateway.url}/api/v1/sources", headers={"Origin": "https://app.example"}, timeout=10)
    other = requests.get(f"{cors_gateway.url}/api/v1/sources", headers={"Origin": "https://evil.example"}, timeout=10)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "x-ratelimit-remaining" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in other.headers


class _FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))


class SourceIpFunction:
    """Stands in for the Lambda API: answers with the sourceIp the gateway put in the event."""

    def invoke(self, FunctionName: str, Payload: bytes) -> dict:
        source_ip = json.loads(Payload)["requestContext"]["http"]["sourceIp"]
        reply = {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(source_ip)}
        return {"Payload": io.BytesIO(json.dumps(reply).encode())}


@pytest.mark.parametrize(("host", "client"), [("127.0.0.1", "127.0.0.3"), ("::1", "::1")])
def test_the_events_source_ip_is_the_clients_socket_address_ipv4_and_ipv6(host, client):
    # Given a gateway listening on IPv4 or IPv6 loopback
    gateway = Gateway(deployment_with(("list", "GET", "/api/v1/sources")), host, 0)
    gateway.lambda_client = SourceIpFunction()
    gateway.start()
    try:
        # When a client connects from a given address
        with requests.Session() as session:
            session.mount("http://", _FromAddress(client))
            reply = session.get(f"{gateway.url}/api/v1/sources", timeout=10)
    finally:
        gateway.stop()
    # Then the function sees that address as requestContext.http.sourceIp
    assert reply.json() == client
