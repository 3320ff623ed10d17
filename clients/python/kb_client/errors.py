"""Every failure the API reports is raised as an ApiError carrying its stable `code`."""

from typing import Any


class KbError(Exception):
    """Base of everything the SDK raises."""


class ApiError(KbError):
    """An error answer of the API: `{"error": "...", "code": "..."}` with its HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body


class BadRequestError(ApiError):
    """400: validation_error, invalid_json, invalid_cursor."""


class AuthenticationError(ApiError):
    """401: unauthorized, invalid_key, key_expired, key_revoked."""


class PermissionDeniedError(ApiError):
    """403: insufficient_scope."""


class NotFoundError(ApiError):
    """404: not_found."""


class ConflictError(ApiError):
    """409: the lifecycle refused the request (stale_plan, apply_in_progress, mass_deletion, ...)."""


class PayloadTooLargeError(ApiError):
    """413: payload_too_large."""


class RateLimitedError(ApiError):
    """429: rate_limited, with `retry_after` seconds (raised once the retries are spent)."""


class ServerError(ApiError):
    """5xx: internal_error, build_failed, answer_failed (raised once the retries are spent)."""


class WorkFailedError(ApiError):
    """A run or a generation the SDK waited for ended `failed`; `code` is its errorCode."""


class WaitTimeoutError(KbError):
    """A run, generation or file was still not finished when the wait's deadline passed."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitedError,
}


def error_for(status: int, body: Any, retry_after: float | None) -> ApiError:
    """The exception for an error answer; a body that is not the API's shape still gets a code."""
    fields = body if isinstance(body, dict) else {}
    code = str(fields.get("code") or f"http_{status}")
    message = str(fields.get("error") or body or "")
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    return kind(status, code, message, request_id=fields.get("requestId"), retry_after=retry_after, body=body)
