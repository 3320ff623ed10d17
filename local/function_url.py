"""The local Lambda function URL of a function in RESPONSE_STREAM mode (template.yaml's
FunctionUrlConfig): each request becomes a function URL event (payload 2.0, route `$default`) and
the response is written to the client part by part, as the function produces it (HTTP/1.1 chunked
transfer), the way a function URL streams in AWS.

moto has no function URL data plane nor InvokeWithResponseStream, so this server reaches the
function's worker directly (LambdaRuntime.stream) rather than through the Lambda API. moto does
keep function URL configs (GetFunctionUrlConfig), with an address of its own invention:
`register` records this server's address there instead, so a function that looks the URL up
(the console) finds the one that answers.

With the template's `Cors`, this server does what Lambda does for a function URL: it answers
preflights itself (the function is not invoked) and adds the CORS headers to every response."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from moto.awslambda.models import lambda_backends

from local.cfn import Resolver
from local.deploy import ACCOUNT, REGION, client
from local.gateway import BadRequest, CompiledRoute, CorsPolicy, build_event, read_body
from local.runtime import LambdaRuntime
from local.template import Template

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}


def resolved_config(template: Template, names: Resolver, api_endpoint: str, logical_id: str) -> dict[str, Any]:
    """A function's FunctionUrlConfig as CloudFormation resolves it, the HTTP API's endpoint
    (`!GetAtt HttpApi.ApiEndpoint`, which the CORS origins name) being the local gateway's."""
    resolver = Resolver(
        names.refs,
        {**names.attributes, ("HttpApi", "ApiEndpoint"): api_endpoint},
        template.document.get("Conditions", {}),
    )
    config: dict[str, Any] = resolver.resolve(
        template.resources_of("AWS::Serverless::Function")[logical_id].get("FunctionUrlConfig", {})
    )
    return config


def cors_policy(cors: dict[str, Any] | None) -> CorsPolicy | None:
    """A function URL's resolved `Cors` (AWS::Lambda::Url's shape) as the local server applies it."""
    if not cors:
        return None
    return CorsPolicy(
        allow_origins=tuple(origin.strip() for origin in cors.get("AllowOrigins", []) if origin.strip()),
        allow_methods=tuple(cors.get("AllowMethods", [])),
        allow_headers=tuple(cors.get("AllowHeaders", [])),
        expose_headers=tuple(cors.get("ExposeHeaders", [])),
        max_age=int(cors.get("MaxAge", 0)),
    )


def register(endpoint: str, function_name: str, alias: str | None, config: dict[str, Any], url: str) -> None:
    """Create the function URL config in moto (on the alias, as SAM does) and make it report `url`."""
    lambda_client = client("lambda", endpoint)
    qualifier = {"Qualifier": alias} if alias else {}
    keys = {"AuthType", "InvokeMode", "Cors"}
    lambda_client.create_function_url_config(
        FunctionName=function_name, **qualifier, **{k: v for k, v in config.items() if k in keys}
    )
    # Function URLs end with a slash in AWS (https://<id>.lambda-url.<region>.on.aws/).
    lambda_backends[ACCOUNT][REGION].get_function_url_config(function_name).url = url + "/"


class FunctionUrl:
    def __init__(
        self, runtime: LambdaRuntime, function_name: str, host: str, port: int, cors: CorsPolicy | None = None
    ) -> None:
        self.runtime = runtime
        self.function_name = function_name
        self.cors = cors
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
        origin = request.headers.get("origin")
        if self.cors is not None and request.command == "OPTIONS":
            return _reply(request, 200, self.cors.preflight_headers(origin))
        cors_headers = self.cors.response_headers(origin) if self.cors is not None else {}
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
                    if key.lower() not in _HOP_BY_HOP and key.lower() not in cors_headers:
                        request.send_header(key, value)
                for key, value in cors_headers.items():
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


def _reply(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    request.send_response(status)
    for key, value in headers.items():
        request.send_header(key, value)
    request.send_header("content-length", "0")
    request.end_headers()


def _json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    content = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("content-type", "application/json")
    request.send_header("content-length", str(len(content)))
    request.end_headers()
    request.wfile.write(content)
