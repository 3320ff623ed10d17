"""Lambda's Extensions API for one local execution environment (a worker process), as much of it
as an internal extension uses: register (only before the first invocation, as Lambda allows),
event/next (a long poll answered with the next INVOKE event), and the rule that matters: an
invocation is over, and the environment may take the next one, only once every registered
extension has asked for its next event. Served over HTTP on loopback, so the extension code that
runs in AWS (kb.afterwork.LambdaExtension) runs here unchanged."""

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2020-01-01/extension"


@dataclass
class _Extension:
    name: str
    taken: int = 0  # INVOKE events it has received
    waiting: bool = False  # in event/next: done with everything it received


class ExtensionsApi:
    def __init__(self, function_name: str = "", function_version: str = "$LATEST", handler: str = "") -> None:
        self.info = {"functionName": function_name, "functionVersion": function_version, "handler": handler}
        self._cond = threading.Condition()
        self._extensions: dict[str, _Extension] = {}
        self._events: list[dict[str, Any]] = []
        self._initialized = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._register(self)

            def do_GET(self) -> None:
                api._next(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), name="extensions-api", daemon=True).start()

    @property
    def address(self) -> str:
        """AWS_LAMBDA_RUNTIME_API's value: host:port."""
        host, port = self.server.server_address[:2]
        return f"{host!s}:{port}"

    def invoke(self, request_id: str, deadline_epoch: float, function_arn: str) -> None:
        """An invocation starts: Init is over, and each extension gets its INVOKE event."""
        event = {
            "eventType": "INVOKE",
            "deadlineMs": int(deadline_epoch * 1000),
            "requestId": request_id,
            "invokedFunctionArn": function_arn,
            "tracing": {"type": "X-Amzn-Trace-Id", "value": ""},
        }
        with self._cond:
            self._initialized = True
            self._events.append(event)
            self._cond.notify_all()

    def wait_done(self, timeout_seconds: float) -> bool:
        """Until every extension has asked for its next event after all it was sent (False: timed out)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: all(e.waiting and e.taken == len(self._events) for e in self._extensions.values()),
                timeout=timeout_seconds,
            )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _register(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("content-length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}")
        name = request.headers.get("Lambda-Extension-Name")
        with self._cond:
            if self._initialized:  # Lambda's answer to a registration after Init
                return _reply(request, 403, {"errorType": "Extension.InvalidPhase", "errorMessage": "after Init"})
            if request.path != f"{PREFIX}/register" or not name or body.get("events") != ["INVOKE"]:
                return _reply(request, 400, {"errorType": "InvalidRequest", "errorMessage": "bad registration"})
            identifier = str(uuid.uuid4())
            self._extensions[identifier] = _Extension(name)
        _reply(request, 200, self.info, {"Lambda-Extension-Identifier": identifier})

    def _next(self, request: BaseHTTPRequestHandler) -> None:
        extension = self._extensions.get(request.headers.get("Lambda-Extension-Identifier") or "")
        if request.path != f"{PREFIX}/event/next" or extension is None:
            return _reply(request, 403, {"errorType": "Extension.Unknown", "errorMessage": "not registered"})
        with self._cond:
            extension.waiting = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: extension.taken < len(self._events))
            event = self._events[extension.taken]
            extension.taken += 1
            extension.waiting = False
        _reply(request, 200, event, {"Lambda-Extension-Event-Identifier": str(uuid.uuid4())})


def _reply(
    request: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    content = json.dumps(body).encode()
    request.send_response(status)
    for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
        request.send_header(key, value)
    request.send_header("Content-Length", str(len(content)))
    request.end_headers()
    request.wfile.write(content)


def epoch_deadline(timeout_seconds: float) -> float:
    return time.time() + timeout_seconds
