"""The HTTP hook: every request an API key made is recorded (kb.analytics.recording) with its
route, status class and latency once its response is built. The record is deferred
(kb.afterwork): in Lambda it is written after the response has been sent; only an answer's query
log entry (a query's, a chat's) is written before, so that it can be rated at once. Requests nobody
authenticated (401s, unknown paths) belong to no tenant and are not recorded."""

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from kb import afterwork
from kb.analytics.recording import begin, recorder
from kb.observability import logger
from kb.settings import get_settings


def install_recording(app: FastAPI) -> None:
    @app.middleware("http")
    async def record_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        notes = begin()
        started = time.perf_counter()
        status = 500  # an exception escaping the app is a 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            seconds = time.perf_counter() - started
            principal = getattr(request.state, "principal", None)
            endpoint = _endpoint(app, request)
            if principal is not None and endpoint is not None and _enabled():
                source_id = request.scope.get("path_params", {}).get("sourceId")
                tenant_id, key_id = principal.tenant_id, principal.key_id
                if notes.query is not None and notes.query.kind != "search":
                    # An answer can be rated as soon as the client has it (POST /v1/feedback finds
                    # it in the query log): its entry is written before the response leaves.
                    await run_in_threadpool(_log_answer, tenant_id, key_id, notes.query, seconds)
                    notes.query = None
                record = functools.partial(_record, tenant_id, key_id, endpoint, source_id, status, seconds, notes)
                after = afterwork.current()
                if after.deferred:
                    after.defer(record)
                else:  # written now: off the event loop, as any blocking call
                    await run_in_threadpool(after.defer, record)


def _record(*args: Any) -> None:
    try:
        recorder().record_request(*args)
    except Exception:  # noqa: BLE001 - building the recorder failed: analytics never fail a request
        logger.warning("a request was not recorded in analytics", exc_info=True)


def _log_answer(*args: Any) -> None:
    try:
        recorder().log_answer(*args)
    except Exception:  # noqa: BLE001 - building the recorder failed: analytics never fail a request
        logger.warning("an answer was not logged in analytics", exc_info=True)


def _enabled() -> bool:
    try:
        return get_settings().analytics_recording
    except ValueError:  # no deployment settings (a handler under test): nothing to record into
        return False


def _endpoint(app: FastAPI, request: Request) -> str | None:
    """ "METHOD /route/{template}": the route the request matched, never its concrete path."""
    route = request.scope.get("route")
    if route is None:
        for candidate in app.router.routes:
            if candidate.matches(request.scope)[0] == Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return f"{request.method} {path}" if path else None
