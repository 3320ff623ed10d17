"""The console function serves the console's files with a Content-Security-Policy that forbids
inline script, and nothing outside its static folder."""

import re
from typing import Any

import pytest

from scripts.generate_openapi import function_modules
from tests.helpers import ROOT, lambda_context, sample_event

STATIC = ROOT / "functions" / "console" / "static"


def get(proxy: str | None) -> dict[str, Any]:
    event = sample_event("console")
    event["pathParameters"] = {"proxy": proxy} if proxy is not None else None
    response: dict[str, Any] = function_modules()["console"].handler(event, lambda_context())
    return response


def test_the_console_path_serves_the_page_with_a_policy_that_forbids_inline_script():
    # When /console is asked for (no proxy part)
    response = get(None)
    # Then it is the page, with a CSP whose scripts come only from the console's own files
    assert (response["statusCode"], response["headers"]["content-type"]) == (200, "text/html; charset=utf-8")
    assert "<title>Knowledge Base console</title>" in response["body"]
    policy = dict(part.split(" ", 1) for part in response["headers"]["content-security-policy"].split("; "))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    assert "unsafe-inline" not in response["headers"]["content-security-policy"]
    assert response["headers"]["x-content-type-options"] == "nosniff"


def test_the_page_itself_has_no_inline_script_or_style():
    # Given the page as served
    page = get(None)["body"]
    # Then every script is an external module, and no element carries an inline handler or style
    assert re.findall(r"<script[^>]*>", page) == ['<script type="module" src="/console/app.js">']
    assert not re.search(r"\son[a-z]+=|\sstyle=|<style", page)


@pytest.mark.parametrize(
    ("proxy", "content_type"),
    [
        ("app.js", "text/javascript; charset=utf-8"),
        ("views/keys.js", "text/javascript; charset=utf-8"),
        ("console.css", "text/css; charset=utf-8"),
    ],
)
def test_each_file_is_served_with_its_type(proxy: str, content_type: str):
    response = get(proxy)
    assert (response["statusCode"], response["headers"]["content-type"]) == (200, content_type)
    assert response["body"] == (STATIC / proxy).read_text()


@pytest.mark.parametrize(
    "proxy", ["nothing.js", "../app.py", "views/../../app.py", "%2e%2e/app.py", "/etc/passwd", "views"]
)
def test_anything_else_is_404_in_the_error_shape(proxy: str):
    response = get(proxy)
    assert (response["statusCode"], response["headers"]["content-type"]) == (404, "application/json")
    assert '"code":"not_found"' in response["body"]


def test_no_script_stores_the_key_anywhere_but_session_storage():
    # Given every script of the console
    scripts = "\n".join(path.read_text() for path in STATIC.rglob("*.js"))
    # Then none touches localStorage, cookies or IndexedDB, and none evaluates strings as code
    for forbidden in (
        r"localStorage\s*[.\[]",
        r"document\.cookie",
        r"indexedDB\.",
        r"\beval\(",
        r"new Function",
        r"innerHTML",
    ):
        assert not re.search(forbidden, scripts), forbidden


def test_the_console_reaches_the_api_only_through_the_javascript_clients_bundle():
    # Given the console's own scripts (the bundle aside)
    own = {path.relative_to(STATIC).as_posix(): path.read_text() for path in STATIC.rglob("*.js")}
    bundle = own.pop("kb-client.js")
    # Then only client.js calls fetch, and it builds the client from the bundle served beside it
    assert [name for name, text in own.items() if re.search(r"\bfetch\(", text)] == ["client.js"]
    assert 'from "./kb-client.js"' in own["client.js"] and "var KbClient = class" in bundle
    # And no script loads anything from another origin
    assert not re.search(r"""(import|from)\s*\(?\s*["']https?:""", "\n".join(own.values()))


STREAM_ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:kb-StreamAnswersFunction:live"


class StubLambda:
    """Lambda's GetFunctionUrlConfig, answering one URL and recording what it was asked."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.asked: list[dict[str, Any]] = []

    def get_function_url_config(self, **request: Any) -> dict[str, Any]:
        self.asked.append(request)
        return {"FunctionUrl": self.url, "InvokeMode": "RESPONSE_STREAM"}


def policy_of(response: dict[str, Any]) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in response["headers"]["content-security-policy"].split("; "))


def test_the_page_names_the_stream_url_and_may_connect_to_it(monkeypatch: pytest.MonkeyPatch):
    # Given a console function whose stream function's alias has a URL
    from kb.function_urls import FunctionUrlLookup

    module = function_modules()["console"]
    lambda_client = StubLambda("https://abc123.lambda-url.us-east-1.on.aws/")
    monkeypatch.setattr(module, "_stream_urls", lambda: FunctionUrlLookup(lambda_client, STREAM_ALIAS))
    event = {**sample_event("console"), "pathParameters": None}
    # When the page is served
    page = module.handler(event, lambda_context())
    # Then it names the URL (no trailing slash) and its CSP lets it connect there and to itself only
    assert '<meta name="kb-stream-url" content="https://abc123.lambda-url.us-east-1.on.aws">' in page["body"]
    assert policy_of(page)["connect-src"] == "'self' https://abc123.lambda-url.us-east-1.on.aws"
    # And the URL was asked for on the alias it is on
    assert lambda_client.asked == [{"FunctionName": STREAM_ALIAS.removesuffix(":live"), "Qualifier": "live"}]


def test_without_a_stream_function_the_page_streams_through_the_api():
    # Given no STREAM_FUNCTION (as in these tests' environment)
    # When the page is served
    page = get(None)
    # Then it names no stream URL and connects to its own origin only
    assert '<meta name="kb-stream-url" content="">' in page["body"]
    assert policy_of(page)["connect-src"] == "'self'"
