"""The HTTP layer both clients share: retries with backoff, Idempotency-Key, error mapping.

Only the sending differs between the sync and the async client; what to retry and how long to wait
is decided here once.
"""

import email.utils
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import ApiError, error_for

MUTATIONS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# A build that failed is a verdict, not a hiccup: retrying it would build the same thing again.
_FINAL_5XX_CODES = frozenset({"build_failed"})
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@dataclass(frozen=True)
class RetryPolicy:
    """429 and 5xx answers and connection errors are retried `max_retries` times. The wait is the
    answer's Retry-After when it has one (at most `max_retry_after` seconds), else exponential
    backoff with full jitter from `backoff` seconds up to `max_backoff`."""

    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    # Called before each wait with (attempt from 0, seconds it will wait, the answer or None after a
    # connection error): for logging, or metrics of how often a client is throttled.
    on_retry: Callable[[int, float, httpx.Response | None], None] | None = None

    def wait_for(self, attempt: int, response: httpx.Response | None) -> float:
        seconds = self.delay(attempt, retry_after_seconds(response) if response is not None else None)
        if self.on_retry is not None:
            self.on_retry(attempt, seconds, response)
        return seconds

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0, min(self.max_backoff, self.backoff * 2**attempt))  # noqa: S311 (jitter)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110); anything else is ignored."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def should_retry(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code < 500:
        return False
    return _body_code(response) not in _FINAL_5XX_CODES


def _body_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def headers_for(method: str, idempotency_key: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    """Every mutation carries an Idempotency-Key (the caller's, else a fresh one), the same one on
    every retry, so a retried request that had landed is replayed rather than done twice."""
    headers = dict(extra or {})
    if method in MUTATIONS:
        headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
    return headers


def raise_for_error(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    raise error_for(response.status_code, body, retry_after_seconds(response))


def json_or_none(response: httpx.Response) -> Any:
    return response.json() if response.content else None


__all__ = ["ApiError", "RetryPolicy", "headers_for", "raise_for_error", "retry_after_seconds", "should_retry"]
