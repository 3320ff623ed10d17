"""The console's lookup of the stream function's URL: asked once per process, a failure not kept."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from kb.function_urls import FunctionUrlLookup, origin, split_qualifier

ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:kb-Stream:live"


class ScriptedLambda:
    """GetFunctionUrlConfig answering from a script: a URL, or an error code."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls = 0

    def get_function_url_config(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        answer = self.answers.pop(0)
        if not answer.startswith("http"):
            raise ClientError({"Error": {"Code": answer, "Message": answer}}, "GetFunctionUrlConfig")
        return {"FunctionUrl": answer}


def test_the_url_is_asked_for_once_and_kept():
    # Given Lambda knows the alias's URL
    client = ScriptedLambda("https://u.lambda-url.us-east-1.on.aws/")
    lookup = FunctionUrlLookup(client, ALIAS)
    # When the URL is wanted for three pages
    urls = [lookup.url() for _ in range(3)]
    # Then Lambda was asked once, and every page got the URL without its trailing slash
    assert urls == ["https://u.lambda-url.us-east-1.on.aws"] * 3 and client.calls == 1


def test_a_failed_lookup_answers_none_and_is_asked_again_next_time():
    # Given Lambda refuses once (no permission yet), then answers
    client = ScriptedLambda("AccessDeniedException", "https://u.lambda-url.us-east-1.on.aws/")
    lookup = FunctionUrlLookup(client, ALIAS)
    # When the URL is wanted twice
    first, second = lookup.url(), lookup.url()
    # Then the first page streams through the API (None) and the second gets the URL
    assert (first, second, client.calls) == (None, "https://u.lambda-url.us-east-1.on.aws", 2)


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (ALIAS, (ALIAS.removesuffix(":live"), "live")),
        (ALIAS.removesuffix(":live"), (ALIAS.removesuffix(":live"), None)),
        ("kb-Stream", ("kb-Stream", None)),
    ],
)
def test_an_alias_arn_splits_into_the_function_and_its_qualifier(function: str, expected: tuple[str, str | None]):
    assert split_qualifier(function) == expected


def test_an_origin_is_the_scheme_host_and_port():
    assert origin("https://u.lambda-url.us-east-1.on.aws/v1/query") == "https://u.lambda-url.us-east-1.on.aws"
    assert origin("http://127.0.0.1:3001") == "http://127.0.0.1:3001"
