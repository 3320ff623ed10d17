"""The local Lambda function URL of a function in RESPONSE_STREAM mode (template.yaml's
FunctionUrlConfig): each request becomes a function URL event (payload 2.0, route `$default`) and
the response is written to the client part by part, as the function produces it (HTTP/1.1 chunked
transfer), the way a function URL streams in AWS.

moto has no function URL data plane nor InvokeWithResponseStream, so this server reaches the
function's worker directly (LambdaRuntime.stream) rather than through the Lambda API."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from moto.awslambda.models import lambda_backends

from local.deploy import ACCOUNT, REGION
from local.gateway import BadRequest, CompiledRoute, build_event, read_body
from local.runtime import LambdaRuntime

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}


class FunctionUrl:
    def __init__(self, runtime: LambdaRuntime, function_name: str, host: str, port: int) -> None:
        self.runtime = runtime
        self.function_name = function_name
        url = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                url.handle(self)

            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="function-url", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        try:
            body = read_body(request.headers, request.rfile)
        except BadRequest:
            request.close_connection = True
            return _json(request, 400, {"message": "Bad Request"})
        headers = {key.lower(): value for key, value in request.headers.items()}
        headers.pop("transfer-encoding", None)
        path = urlsplit(request.path).path
        route = CompiledRoute(request.command, "$default", re.compile(".*"), self.function_name)
        event = build_event(request.command, request.path, headers, body, route, {}, request.client_address[0])
        event["routeKey"] = event["requestContext"]["routeKey"] = "$default"
        event["rawPath"] = path
        function = lambda_backends[ACCOUNT][REGION].get_function(self.function_name)
        started = False
        for part in self.runtime.stream(function, event):
            if "status" in part:
                request.send_response(part["status"])
                for key, value in part["headers"]:
                    if key.lower() not in _HOP_BY_HOP:
                        request.send_header(key, value)
                request.send_header("transfer-encoding", "chunked")
                request.end_headers()
                started = True
            elif "body" in part and started:
                _chunk(request, part["body"])
            elif part.get("end"):
                if not started:  # the function failed before answering, as a function URL says it
                    _json(request, 502, {"message": "Internal Server Error"})
                else:
                    _chunk(request, b"")  # the last chunk; a mid-stream failure just ends the stream


def _chunk(request: BaseHTTPRequestHandler, data: bytes) -> None:
    request.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    request.wfile.flush()


def _json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    content = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("content-type", "application/json")
    request.send_header("content-length", str(len(content)))
    request.end_headers()
    request.wfile.write(content)
