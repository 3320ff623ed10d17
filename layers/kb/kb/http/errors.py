"""The one place where domain errors become HTTP responses."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import DomainError, RateLimited
from kb.observability import logger

STATUS_BY_CODE: dict[str, int] = {
    "validation_error": 400,
    "invalid_json": 400,
    "invalid_cursor": 400,
    "unauthorized": 401,
    "invalid_key": 401,
    "key_expired": 401,
    "key_revoked": 401,
    "insufficient_scope": 403,
    "ip_not_allowed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "cursor_expired": 410,
    "idempotency_conflict": 409,
    "idempotency_in_progress": 409,
    "source_inactive": 409,
    "snapshot_in_progress": 409,
    "snapshot_closed": 409,
    "mass_deletion": 409,
    "not_apply_eligible": 409,
    "not_rollback_eligible": 409,
    "not_evaluated": 404,
    "evaluation_set_full": 409,
    "generation_not_held": 409,
    "evaluation_stale": 409,
    "apply_conflict": 409,
    "run_expired": 409,
    "stale_plan": 409,
    "stale_base": 409,
    "lease_lost": 409,
    "apply_in_progress": 409,
    "plan_limit_exceeded": 409,
    "import_closed": 409,
    "upload_missing": 409,
    "quota_exceeded": 409,
    "rebuild_required": 409,
    "training_in_progress": 409,
    "training_not_running": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal_error": 500,
    "semantic_unavailable": 409,
    "rerank_unavailable": 409,
    "build_failed": 502,
    "answer_failed": 502,
}


class ErrorBody(BaseModel):
    error: str
    code: str
    request_id: str | None = None


def error_response(code: str, message: str, request_id: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message, "code": code}
    if request_id:
        body["requestId"] = request_id
    return JSONResponse(status_code=STATUS_BY_CODE[code], content=body)


def request_id_of(request: Request) -> str | None:
    event = request.scope.get("aws.event") or {}
    request_id: str | None = event.get("requestContext", {}).get("requestId")
    return request_id


def _describe_validation(error: RequestValidationError) -> tuple[str, str]:
    first = error.errors()[0] if error.errors() else {}
    if first.get("type") == "json_invalid":
        return "invalid_json", "The request body is not valid JSON."
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(location) or "body"
    return "validation_error", f"{field}: {first.get('msg', 'is invalid')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return error_response(error.code, error.message)

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        response = error_response(error.code, error.message)
        response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        code, message = _describe_validation(error)
        return error_response(code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 405:
            response = error_response("method_not_allowed", "This method is not allowed on this route.")
            response.headers.update(error.headers or {})  # Starlette names the allowed methods
            return response
        if error.status_code == 400:
            # FastAPI's answer to a body its JSON parser refused for other reasons than syntax:
            # invalid UTF-8, an integer too long to convert, nesting deeper than the recursion limit.
            return error_response("invalid_json", "The request body is not valid JSON.")
        return error_response("not_found", "No such route.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        request_id = request_id_of(request)
        logger.exception("unexpected error", extra={"request_id": request_id})
        return error_response("internal_error", "An unexpected error occurred.", request_id)


_COMMON = {
    "400": "validation_error, invalid_json",
    "401": "unauthorized, invalid_key, key_expired, key_revoked",
    "403": "insufficient_scope, ip_not_allowed",
    "404": "not_found",
    "429": "rate_limited (with Retry-After)",
    "500": "internal_error",
}
_MUTATION = {"409": "idempotency_conflict, idempotency_in_progress", "415": "unsupported_media_type"}


def error_responses(mutation: bool = False, **more: str) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route for openapi.yaml: the common ones, those of mutations, and
    `more` (s409="code, code")."""
    described = dict(_COMMON)
    if mutation:
        described |= _MUTATION
    for status, codes in more.items():
        key = status.removeprefix("s")
        described[key] = f"{described[key]}, {codes}" if key in described else codes
    return {int(status): {"model": ErrorBody, "description": codes} for status, codes in sorted(described.items())}


# Documented on every route, so openapi.yaml lists the error shape.
ERROR_RESPONSES = error_responses()
LIST_ERROR_RESPONSES = error_responses(s400="invalid_cursor")
