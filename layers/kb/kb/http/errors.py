"""The one place where domain errors become HTTP responses."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import DomainError
from kb.observability import logger

STATUS_BY_CODE: dict[str, int] = {
    "validation_error": 400,
    "invalid_json": 400,
    "unauthorized": 401,
    "invalid_key": 401,
    "insufficient_scope": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_apply_eligible": 409,
    "stale_base": 409,
    "apply_conflict": 409,
    "build_failed": 502,
    "internal_error": 500,
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


def _request_id(request: Request) -> str | None:
    event = request.scope.get("aws.event") or {}
    return event.get("requestContext", {}).get("requestId")


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

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        code, message = _describe_validation(error)
        return error_response(code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 405:
            return error_response("method_not_allowed", "This method is not allowed on this route.")
        return error_response("not_found", "No such route.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        request_id = _request_id(request)
        logger.exception("unexpected error", extra={"request_id": request_id})
        return error_response("internal_error", "An unexpected error occurred.", request_id)


def error_responses(**more: str) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route for openapi.yaml: the common ones plus `more` (status=codes)."""
    described = {
        "400": "validation_error or invalid_json",
        "401": "unauthorized or invalid_key",
        "403": "insufficient_scope",
        "404": "not_found",
        "500": "internal_error",
    }
    described |= {status.removeprefix("s"): codes for status, codes in more.items()}
    return {int(status): {"model": ErrorBody, "description": codes} for status, codes in sorted(described.items())}


# Documented on every route, so openapi.yaml lists the error shape.
ERROR_RESPONSES = error_responses()
