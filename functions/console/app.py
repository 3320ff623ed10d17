"""GET /console and /console/{proxy+}: the web console, a static single-page app served by the API
itself, so the console and the API share one origin (no CORS, no second deployment) and run the
same locally and on AWS. A plain handler: static files need no FastAPI, and the console is not part
of the API's contract (openapi.yaml). Answers stream from the stream function's URL, another origin:
the page is told where it is (looked up once, kb.function_urls) and may connect to it (CSP), and
that URL allows the API's origin (CORS). docs/console.md has the why."""

import base64
import html
from functools import cache
from pathlib import Path
from typing import Any

from kb import snapstart
from kb.aws import get_lambda
from kb.function_urls import FunctionUrlLookup, origin
from kb.settings import get_console_settings

STATIC = Path(__file__).resolve().parent / "static"
# The routes template.yaml gives this function (checked by tests/unit/test_contract.py).
ROUTES = {("GET", "/console"), ("GET", "/console/{proxy+}")}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The page's placeholder for where answers stream from (filled in as the page is served).
STREAM_URL_META = '<meta name="kb-stream-url" content="">'


def content_security_policy(stream_url: str | None = None) -> str:
    """Scripts only from the console's own files (no inline script, no eval), requests only to its
    own origin (the API) and the stream function's URL, no framing, no form posting anywhere (forms
    are handled by script; a form submitted without it must not put an API key in a URL)."""
    connect = "connect-src 'self'" + (f" {origin(stream_url)}" if stream_url else "")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            connect,
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    # Small files, changed with every deploy: revalidate rather than serve a stale mix of modules.
    "cache-control": "no-cache",
}


@cache
def _read(relative: str) -> tuple[str, bytes] | None:
    """The file under static/ (never outside it) and its content type, or None."""
    path = (STATIC / relative).resolve()
    content_type = CONTENT_TYPES.get(path.suffix)
    if content_type is None or not path.is_relative_to(STATIC) or not path.is_file():
        return None
    return content_type, path.read_bytes()


@cache
def _stream_urls() -> FunctionUrlLookup | None:
    """The stream function's URL, looked up on the first page served (not at import: SnapStart
    would snapshot it, and a file request needs none)."""
    function = get_console_settings().stream_function
    return FunctionUrlLookup(get_lambda(), function) if function else None


def _prime() -> None:
    """Before the SnapStart snapshot: the setting read and the Lambda client built, without a call
    (a connection would not survive the restore; the URL is asked for on the first page)."""
    if get_console_settings().stream_function:
        get_lambda()


snapstart.install("console", _prime)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    proxy = (event.get("pathParameters") or {}).get("proxy")
    relative = proxy if proxy else "index.html"
    found = _read(relative)
    if found is None:
        body = b'{"error":"No such file in the console.","code":"not_found"}'
        return _response(404, "application/json", body)
    content_type, body = found
    if relative != "index.html":
        return _response(200, content_type, body)
    # The page: where answers stream from, in a meta tag for the scripts and in the CSP's
    # connect-src. Without it the console streams through the API (the events in one body).
    lookup = _stream_urls()
    stream_url = lookup.url() if lookup is not None else None
    meta = STREAM_URL_META.replace('content=""', f'content="{html.escape(stream_url or "")}"')
    return _response(200, content_type, body.replace(STREAM_URL_META.encode(), meta.encode()), stream_url)


def _response(status: int, content_type: str, body: bytes, stream_url: str | None = None) -> dict[str, Any]:
    text = content_type.startswith(("text/", "application/json", "image/svg"))
    headers = {"content-security-policy": content_security_policy(stream_url), **SECURITY_HEADERS}
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **headers},
        "body": body.decode() if text else base64.b64encode(body).decode(),
        "isBase64Encoded": not text,
    }
