"""What the Lambda Web Adapter does in AWS, for the local workers: a function whose handler is a
web server's start script (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) has its ASGI app driven with
each event as an HTTP request. A plain invoke gets the buffered payload-2.0 response; a streamed
invoke (the local function URL) gets the response's parts as the app sends them.

Locally the app is driven in the worker's own process (no uvicorn, no loopback hop): what we test
is the app and the streaming path up to the client, not the adapter's binary."""

import asyncio
import base64
from collections.abc import Callable
from typing import Any

ADAPTER_WRAPPER = "/opt/bootstrap"
WEB_APP = "app:app"  # what run.sh starts under uvicorn

Emit = Callable[[dict[str, Any]], None]


def is_web_adapted(environment: dict[str, str]) -> bool:
    return environment.get("AWS_LAMBDA_EXEC_WRAPPER") == ADAPTER_WRAPPER


def _scope(event: dict[str, Any]) -> dict[str, Any]:
    http = event.get("requestContext", {}).get("http", {})
    headers = [(k.lower().encode(), str(v).encode()) for k, v in (event.get("headers") or {}).items()]
    path = event.get("rawPath") or http.get("path") or "/"
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},  # 2.4: no disconnect listener needed
        "http_version": "1.1",
        "method": http.get("method", "GET"),
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": (event.get("rawQueryString") or "").encode(),
        "root_path": "",
        "headers": headers,
        "client": (http.get("sourceIp", "127.0.0.1"), 0),
        "server": ("localhost", 443),
    }


def drive(app: Any, event: dict[str, Any], emit: Emit) -> None:
    """Run one request through the ASGI app; `emit` gets {"status", "headers"} once, then
    {"body": bytes} for each part as the app sends it."""
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects here
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = [(k.decode(), v.decode()) for k, v in message.get("headers", [])]
            emit({"status": message["status"], "headers": headers})
        elif message["type"] == "http.response.body" and message.get("body"):
            emit({"body": bytes(message["body"])})

    asyncio.run(app(_scope(event), receive, send))


def buffered(app: Any) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The adapter in buffered mode: the whole response as a payload-2.0 result."""

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        parts: list[dict[str, Any]] = []
        drive(app, event, parts.append)
        head: dict[str, Any] = parts[0] if parts and "status" in parts[0] else {"status": 500, "headers": []}
        content = b"".join(p["body"] for p in parts if "body" in p)
        return {
            "statusCode": head["status"],
            "headers": dict(head["headers"]),
            "body": base64.b64encode(content).decode(),
            "isBase64Encoded": True,
        }

    return handler
