"""The catch-all function: a wrong method on a known path is 405 with Allow, OPTIONS there is 204
with Allow, and an unknown path is 404, all through the real Lambda handler."""

from typing import Any

import pytest

from scripts.generate_openapi import function_modules
from tests.helpers import body_of, lambda_context, sample_event


def call(method: str, path: str) -> dict[str, Any]:
    event = sample_event("not_found", ADMIN_KEY="sk_live_x")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} /{{proxy+}}"
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    response: dict[str, Any] = function_modules()["not_found"].handler(event, lambda_context())
    return response


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/sources", "GET, POST, OPTIONS"),
        ("DELETE", "/api/v1/search", "POST, OPTIONS"),
        ("POST", "/api/v1/sources/src_1/runs/run_1", "GET, OPTIONS"),
        ("HEAD", "/api/health", "GET, OPTIONS"),
        # a literal path is its own route, as OpenAPI matches paths (not items/{externalItemId})
        ("PUT", "/api/v1/sources/src_1/items/batch", "POST, OPTIONS"),
    ],
)
def test_a_wrong_method_on_a_known_path_is_405_with_allow(method: str, path: str, allow: str):
    response = call(method, path)
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == allow
    if method != "HEAD":
        assert body_of(response)["code"] == "method_not_allowed"


def test_options_on_a_known_path_is_204_with_allow():
    response = call("OPTIONS", "/api/v1/sources/src_1")
    assert (response["statusCode"], response["headers"]["allow"]) == (204, "GET, PATCH, DELETE, OPTIONS")
    assert not response.get("body")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/nothing-here"), ("OPTIONS", "/api/v1/nothing-here"), ("GET", "/health"), ("PUT", "/api")],
)
def test_an_unknown_path_is_404_whatever_the_method(method: str, path: str):
    response = call(method, path)
    assert (response["statusCode"], body_of(response)["code"]) == (404, "not_found")
    assert "allow" not in response["headers"]
