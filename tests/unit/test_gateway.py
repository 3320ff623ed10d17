import json
from pathlib import Path

from local.cfn import Resolver
from local.deploy import Deployment
from local.gateway import _from_lambda, build_event, compile_routes
from local.template import FunctionSpec, Route


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


def test_a_bare_json_result_is_a_200_json_response():
    assert _from_lambda(json.dumps({"ok": True}).encode()) == (
        200,
        {"content-type": "application/json"},
        b'{"ok": true}',
    )


def test_a_structured_result_keeps_status_headers_and_body():
    payload = json.dumps({"statusCode": 201, "headers": {"X-A": "1"}, "body": "hi", "isBase64Encoded": False})
    assert _from_lambda(payload.encode()) == (201, {"x-a": "1"}, b"hi")
