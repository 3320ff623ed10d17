"""A local HTTP API: each request becomes an API Gateway HTTP API payload-2.0 event for the
function that owns the route in template.yaml, invoked through the Lambda API."""

import base64
import json
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError

from local.deploy import ACCOUNT, REGION, Deployment
from local.template import Template

INTEGRATION_TIMEOUT_SECONDS = 30  # HTTP API's own limit


@dataclass(frozen=True)
class CompiledRoute:
    method: str
    path: str
    pattern: re.Pattern[str]
    function_name: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


def compile_routes(deployment: Deployment) -> list[CompiledRoute]:
    routes = []
    for name, spec in deployment.functions_by_name.items():
        for route in spec.routes:
            regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\+\\\}", r"(?P<\1>.+)", re.escape(route.path))
            regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", regex)
            target = deployment.invoke_targets.get(spec.logical_id, name)  # the alias, as SAM wires it
            routes.append(CompiledRoute(route.method, route.path, re.compile(f"^{regex}$"), target))
    # Like API Gateway: the most specific route wins (greedy {proxy+} last, fewer parameters, longer paths).
    return sorted(routes, key=lambda r: ("+}" in r.path, r.path.count("{"), -len(r.path)))


def build_event(
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    route: CompiledRoute,
    params: dict[str, str],
    source_ip: str,
) -> dict[str, Any]:
    url = urlsplit(target)
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(url.query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    now = time.time()
    is_text = _is_text(headers.get("content-type", ""))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers["cookie"].split(";")]
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    if params:
        event["pathParameters"] = params
    if body:
        text = _as_text(body) if is_text else None
        # Bytes that are not UTF-8 travel as base64, untouched: the function refuses them, not us.
        event["body"] = text if text is not None else base64.b64encode(body).decode()
        event["isBase64Encoded"] = text is None
    return event


def _as_text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_text(content_type: str) -> bool:
    return (
        content_type == ""
        or content_type.startswith("text/")
        or "json" in content_type
        or "xml" in content_type
        or "form-urlencoded" in content_type
    )


class BadRequest(Exception):
    pass


def read_body(headers: Any, stream: Any) -> bytes:
    """The request body, by Content-Length or de-chunked (Transfer-Encoding: chunked), as API
    Gateway hands it to the function."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _read_chunked(stream)
    length = headers.get("content-length") or "0"
    if not length.isdigit():
        raise BadRequest("Content-Length is not a number")
    return stream.read(int(length)) if int(length) else b""


def _read_chunked(stream: Any) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = stream.readline(1024).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise BadRequest("a chunk size is not hexadecimal") from None
        if size == 0:
            while stream.readline(1024).strip():  # trailers, up to the blank line
                pass
            return b"".join(chunks)
        chunk = stream.read(size)
        if len(chunk) != size or stream.readline(1024).strip():
            raise BadRequest("a chunk is shorter than its size")
        chunks.append(chunk)


@dataclass(frozen=True)
class CorsPolicy:
    """The HTTP API's CorsConfiguration as API Gateway applies it: preflights answered by the
    gateway itself, allowed origins echoed on every response."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int

    def allows(self, origin: str | None) -> bool:
        return origin is not None and (origin in self.allow_origins or "*" in self.allow_origins)

    def preflight_headers(self, origin: str | None) -> dict[str, str]:
        if not self.allows(origin):
            return {}
        return {
            "access-control-allow-origin": str(origin),
            "access-control-allow-methods": ",".join(self.allow_methods),
            "access-control-allow-headers": ",".join(self.allow_headers),
            "access-control-max-age": str(self.max_age),
            "vary": "origin",
        }

    def response_headers(self, origin: str | None) -> dict[str, str]:
        if not self.allows(origin):
            return {}
        return {
            "access-control-allow-origin": str(origin),
            "access-control-expose-headers": ",".join(self.expose_headers),
            "vary": "origin",
        }


def cors_policy(template: Template) -> CorsPolicy | None:
    """template.yaml's CorsConfiguration of the HttpApi, on when CorsAllowOrigins names origins."""
    origins = tuple(o.strip() for o in template.parameters.get("CorsAllowOrigins", "").split(",") if o.strip())
    configured = template.document["Resources"]["HttpApi"]["Properties"].get("CorsConfiguration")
    if not origins or not configured:
        return None
    config = configured["Fn::If"][1] if "Fn::If" in configured else configured  # the CorsEnabled branch
    return CorsPolicy(
        allow_origins=origins,
        allow_methods=tuple(config.get("AllowMethods", [])),
        allow_headers=tuple(config.get("AllowHeaders", [])),
        expose_headers=tuple(config.get("ExposeHeaders", [])),
        max_age=int(config.get("MaxAge", 0)),
    )


class Gateway:
    def __init__(self, deployment: Deployment, host: str, port: int, cors: CorsPolicy | None = None) -> None:
        self.routes = compile_routes(deployment)
        self.cors = cors
        self.lambda_client = _invoke_client(deployment.endpoint)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                gateway.handle(self)

            def __getattr__(self, name: str) -> Any:
                # Every method reaches the routes (an ANY route may own it), as in API Gateway.
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                pass

        # An IPv6 host (e.g. "::1") listens on IPv6: sourceIp is then the client's IPv6 address.
        self.server = (_IPv6Server if ":" in host else ThreadingHTTPServer)((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://[{host!s}]:{port}" if ":" in str(host) else f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def match(self, method: str, path: str) -> tuple[CompiledRoute, dict[str, str]] | None:
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        try:
            body = read_body(request.headers, request.rfile)
        except BadRequest:
            request.close_connection = True
            return _reply(request, 400, {"content-type": "application/json"}, b'{"message":"Bad Request"}')
        origin = request.headers.get("origin")
        if self.cors is not None and request.command == "OPTIONS":
            # With CORS configured, API Gateway answers OPTIONS itself (no route is invoked).
            return _reply(request, 204, self.cors.preflight_headers(origin), b"")
        path = urlsplit(request.path).path
        matched = self.match(request.command, path)
        if matched is None:
            return _reply(request, 404, {"content-type": "application/json"}, b'{"message":"Not Found"}')
        route, params = matched
        headers: dict[str, str] = {}
        for key, value in request.headers.items():
            key = key.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        if "transfer-encoding" in headers:  # the function sees the body API Gateway assembled
            del headers["transfer-encoding"]
            headers["content-length"] = str(len(body))
        event = build_event(request.command, request.path, headers, body, route, params, request.client_address[0])
        try:
            reply = self.lambda_client.invoke(FunctionName=route.function_name, Payload=json.dumps(event).encode())
        except ReadTimeoutError:
            return _reply(request, 503, {"content-type": "application/json"}, b'{"message":"Service Unavailable"}')
        payload = reply["Payload"].read()
        if reply.get("FunctionError"):
            return _reply(request, 500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
        status, response_headers, response_body = _from_lambda(payload)
        if self.cors is not None:
            response_headers.update(self.cors.response_headers(origin))
        _reply(request, status, response_headers, response_body, head=request.command == "HEAD")


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _invoke_client(endpoint: str) -> Any:
    """The gateway's own client: HTTP API's integration timeout, and no retries."""
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106
        config=Config(read_timeout=INTEGRATION_TIMEOUT_SECONDS, retries={"max_attempts": 0}, max_pool_connections=64),
    )


def _from_lambda(payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """Payload format 2.0's response rules, including the bare-JSON shorthand."""
    try:
        result = json.loads(payload)
    except ValueError:
        return 200, {"content-type": "application/json"}, payload
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, {"content-type": "application/json"}, json.dumps(result).encode()
    headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    if result.get("cookies"):
        headers["set-cookie"] = "\n".join(result["cookies"])
    return int(result["statusCode"]), headers, body


def _reply(
    request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes, head: bool = False
) -> None:
    request.send_response(status)
    for key, value in headers.items():
        if key in ("content-length", "transfer-encoding", "connection"):
            continue
        for line in value.split("\n") if key == "set-cookie" else [value]:
            request.send_header(key, line)
    request.send_header("content-length", str(len(body)))
    request.end_headers()
    if not head:
        request.wfile.write(body)
