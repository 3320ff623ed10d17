"""Every request no route owns (the HTTP API's catch-all): 405 with Allow for a wrong method on a
known path, 204 with Allow for OPTIONS there, 404 in the error shape for an unknown path."""

from fastapi import Request, Response

from kb.http.app import BASE_PATH, build_app, make_handler
from kb.http.errors import error_response
from kb.http.routes import allowed_methods

app = build_app()


@app.api_route(
    "/{path:path}",
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    include_in_schema=False,
)
def unrouted(request: Request) -> Response:
    # The path as the client sent it: Mangum strips /api when present, and a path without it is unknown.
    raw_path = (request.scope.get("aws.event") or {}).get("rawPath", "")
    methods = allowed_methods(raw_path.removeprefix(BASE_PATH)) if raw_path.startswith(BASE_PATH + "/") else ()
    if not methods:
        return error_response("not_found", "No such route.")
    allow = ", ".join((*methods, "OPTIONS"))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    response = error_response("method_not_allowed", f"{request.method} is not allowed here; use {allow}.")
    response.headers["Allow"] = allow
    return response


handler = make_handler(app)
