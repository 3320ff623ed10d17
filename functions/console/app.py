"""GET /console and /console/{proxy+}: the web console, a static single-page app served by the API
itself, so the console and the API share one origin (no CORS, no second deployment) and run the
same locally and on AWS. A plain handler: static files need no FastAPI, and the console is not part
of the API's contract (openapi.yaml). docs/console.md has the why."""

import base64
from functools import cache
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"
# The routes template.yaml gives this function (checked by tests/unit/test_contract.py).
ROUTES = {("GET", "/console"), ("GET", "/console/{proxy+}")}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Scripts only from the console's own files (no inline script, no eval), requests only to its own
# origin (the API), no framing, no form posting anywhere (forms are handled by script; a form
# submitted without it must not put an API key in a URL).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
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


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    proxy = (event.get("pathParameters") or {}).get("proxy")
    found = _read(proxy if proxy else "index.html")
    if found is None:
        body = b'{"error":"No such file in the console.","code":"not_found"}'
        return _response(404, "application/json", body)
    content_type, body = found
    return _response(200, content_type, body)


def _response(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    text = content_type.startswith(("text/", "application/json", "image/svg"))
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **SECURITY_HEADERS},
        "body": body.decode() if text else base64.b64encode(body).decode(),
        "isBase64Encoded": not text,
    }
