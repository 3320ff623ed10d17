"""The error shape, through the real Lambda handler (Mangum + FastAPI), with storage swapped."""

import base64
from typing import Any

import pytest

from kb.aws import AwsClients, get_clients
from kb.http import deps
from kb.keys.models import CreateKeyRequest
from kb.keys.service import issue_key
from kb.ratelimit import Limits, RateLimitWindow
from kb.settings import Settings, get_settings
from scripts.generate_openapi import function_modules
from tests.helpers import body_of, lambda_context, sample_event
from tests.unit.test_keys import InMemoryKeys


class UnlimitedLimiter:
    def hit(self, key_id: str, limits: Limits, bulk: bool = False, now: float | None = None) -> RateLimitWindow:
        return RateLimitWindow(limit=limits.minute, remaining=limits.minute - 1, reset_epoch=0, reset_seconds=60)


class NoFailedAuthentications:
    def check(self, address: str | None, key_id: str | None) -> None:
        pass

    def record_failure(self, address: str | None, key_id: str | None) -> None:
        pass


class BrokenSources:
    def create(self, source: Any) -> None:
        raise RuntimeError("disk on fire")


@pytest.fixture
def create_source_function():
    module = function_modules()["create_source"]
    keys = InMemoryKeys()
    writer = issue_key(keys, "ten_1", CreateKeyRequest(name="ci", scope="write"))  # type: ignore[arg-type]
    module.app.dependency_overrides[deps.key_repository] = lambda: keys
    module.app.dependency_overrides[deps.rate_limiter] = UnlimitedLimiter
    module.app.dependency_overrides[deps.failed_auth_limiter] = NoFailedAuthentications
    module.app.dependency_overrides[get_settings] = lambda: Settings.model_validate(
        {"TABLE_NAME": "t", "BUCKET_NAME": "b"}
    )
    module.app.dependency_overrides[get_clients] = lambda: AwsClients(dynamodb=None, s3=None, sfn=None)
    module.app.dependency_overrides[deps.source_repository] = BrokenSources
    yield module, writer.secret
    module.app.dependency_overrides.clear()


def invoke(module: Any, key: str, body: str | None, content_type: str = "application/json") -> dict[str, Any]:
    event = sample_event("create_source", ADMIN_KEY=key)
    event["headers"]["content-type"] = content_type
    if body is None:
        event.pop("body", None)
    else:
        event["body"] = body
    return module.handler(event, lambda_context())


def test_a_missing_field_is_a_validation_error_naming_it(create_source_function):
    module, key = create_source_function
    response = invoke(module, key, '{"graceDays": 3}')
    assert response["statusCode"] == 400
    assert body_of(response)["code"] == "validation_error"
    assert body_of(response)["error"].startswith("name:")


def test_an_unknown_field_is_a_validation_error(create_source_function):
    module, key = create_source_function
    response = invoke(module, key, '{"name": "x", "colour": "red"}')
    assert (response["statusCode"], body_of(response)["code"]) == (400, "validation_error")
    assert "colour" in body_of(response)["error"]


def test_a_body_that_is_not_json_is_invalid_json(create_source_function):
    module, key = create_source_function
    response = invoke(module, key, '{"name": ')
    assert response["statusCode"] == 400
    assert body_of(response) == {"error": "The request body is not valid JSON.", "code": "invalid_json"}


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "x", "graceDays": ' + "9" * 5000 + "}",  # past Python's int conversion limit
        "[" * 100_000 + "]" * 100_000,  # deeper than the parser's recursion limit
    ],
    ids=["5000-digit integer", "100000 levels of nesting"],
)
def test_a_body_the_json_parser_refuses_is_invalid_json(create_source_function, body):
    module, key = create_source_function
    response = invoke(module, key, body)
    assert (response["statusCode"], body_of(response)["code"]) == (400, "invalid_json")


def test_a_body_that_is_not_utf8_is_invalid_json(create_source_function):
    # Given a body with a byte that is not UTF-8, as API Gateway passes it (base64)
    module, key = create_source_function
    event = sample_event("create_source", ADMIN_KEY=key)
    event["body"] = base64.b64encode(b'{"name": "caf\xe9"}').decode()
    event["isBase64Encoded"] = True
    # When it is sent
    response = module.handler(event, lambda_context())
    # Then it is refused, not read with a replacement character
    assert (response["statusCode"], body_of(response)["code"]) == (400, "invalid_json")


def test_a_missing_key_is_unauthorized(create_source_function):
    module, _ = create_source_function
    event = sample_event("create_source", ADMIN_KEY="x")
    del event["headers"]["authorization"]
    response = module.handler(event, lambda_context())
    assert (response["statusCode"], body_of(response)["code"]) == (401, "unauthorized")


def test_an_unexpected_error_is_internal_error_with_the_request_id(create_source_function):
    module, key = create_source_function
    response = invoke(module, key, '{"name": "Help center"}')
    assert response["statusCode"] == 500
    assert body_of(response) == {
        "error": "An unexpected error occurred.",
        "code": "internal_error",
        "requestId": "sample-request-id",
    }
