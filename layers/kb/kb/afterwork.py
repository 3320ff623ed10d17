"""Work a request leaves for after its response has been sent (its analytics record).

The port is `AfterWork.defer(work)`; the process's instance comes from the composition root
(`kb.composition.Adapters.after_response`) and is built once, at a handler's init (`current()`).
- `AfterWork` itself runs the work at once: the fallback where nothing runs after a response
  (tests, a web-adapted function under the Lambda Web Adapter, no Extensions API).
- `LambdaExtension` is an internal Lambda extension: a thread of this process registered with the
  Extensions API for INVOKE events. Lambda returns the function's response as soon as the handler
  returns, but freezes the environment only once every extension has asked for its next event; the
  thread asks only after it has run what the invocation queued. So deferred work is done before
  the freeze, exactly once, and never on the response's time. Lambda accepts a registration only
  during the Init phase (before the runtime's first Next), so `current()` runs at import.

A failure in deferred work is logged and counted (AfterWorkFailed), never raised."""

import http.client
import json
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from kb.observability import count, logger

Work = Callable[[], None]
EXTENSION_NAME = "kb-after-response"
_API_VERSION = "2020-01-01"


def run_safely(work: Work) -> None:
    try:
        work()
    except Exception:  # noqa: BLE001 - after-response work never fails the request it follows
        logger.warning("work deferred after a response failed", exc_info=True)
        count("AfterWorkFailed")


class AfterWork:
    """Runs deferred work at once (nothing runs after a response here)."""

    deferred = False  # True: defer() only queues, the work runs after the response

    def defer(self, work: Work) -> None:
        run_safely(work)

    def invocation_ended(self) -> None:
        """Called by the handler once its response is built (the last thing it does)."""


_END = object()  # the handler's response is built: the invocation queues nothing more


class LambdaExtension(AfterWork):
    """An internal extension over the Lambda Extensions API at `runtime_api` ("host:port")."""

    deferred = True

    def __init__(self, runtime_api: str, name: str = EXTENSION_NAME) -> None:
        self.runtime_api = runtime_api
        self.name = name
        self.identifier: str | None = None
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def _call(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None, timeout: float | None = None
    ) -> tuple[dict[str, Any], Any]:
        connection = http.client.HTTPConnection(self.runtime_api, timeout=timeout)
        try:
            connection.request(method, f"/{_API_VERSION}/extension/{path}", body=body, headers=headers)
            reply = connection.getresponse()
            content = json.loads(reply.read() or b"{}")
            if reply.status != 200:
                raise RuntimeError(f"Extensions API {path}: {reply.status} {content}")
            return content, reply.headers
        finally:
            connection.close()

    def start(self) -> None:
        """Register (raises if Lambda refuses, e.g. after Init) and start the event loop thread."""
        body = json.dumps({"events": ["INVOKE"]}).encode()  # internal extensions get no SHUTDOWN
        headers = {"Lambda-Extension-Name": self.name, "Content-Type": "application/json"}
        _, reply_headers = self._call("POST", "register", headers, body, timeout=5)
        self.identifier = reply_headers["Lambda-Extension-Identifier"]
        threading.Thread(target=self._loop, name=self.name, daemon=True).start()

    def defer(self, work: Work) -> None:
        self._queue.put(work)

    def invocation_ended(self) -> None:
        self._queue.put(_END)

    def _next_event(self) -> dict[str, Any]:
        """Blocks until Lambda has an event (a long poll: no timeout); asking for it tells Lambda
        this extension is done with the last one."""
        event, _ = self._call("GET", "event/next", {"Lambda-Extension-Identifier": self.identifier or ""})
        return event

    def _loop(self) -> None:
        while True:
            try:
                event = self._next_event()
            except Exception:  # noqa: BLE001 - the API went away (shutdown): nothing more to do
                logger.warning("the after-response extension lost the Extensions API", exc_info=True)
                return
            if event.get("eventType") == "INVOKE":
                self.drain(float(event.get("deadlineMs", 0)) / 1000)

    def drain(self, deadline_epoch: float) -> None:
        """Once the invocation's handler has ended (its response is out), run what it queued: never
        alongside the handler, whose response it would slow. Past the deadline (the function timed
        out) the queue is left to the next invocation."""
        pending: list[Work] = []
        while True:
            try:
                item = self._queue.get(timeout=max(0.001, deadline_epoch - time.time()))
            except queue.Empty:
                logger.warning("the invocation's deadline passed before its handler ended")
                for work in pending:
                    self._queue.put(work)
                return
            if item is _END:
                break
            pending.append(item)
        for work in pending:
            run_safely(work)


def for_lambda() -> AfterWork:
    """The extension when the Extensions API is there (a Lambda runtime, or the local stack's
    emulation of it), except under the Lambda Web Adapter, whose web server is not the runtime's
    process; otherwise (or if Lambda refuses the registration) work runs at once."""
    runtime_api = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not runtime_api or os.environ.get("AWS_LAMBDA_EXEC_WRAPPER") == "/opt/bootstrap":
        return AfterWork()
    extension = LambdaExtension(runtime_api)
    try:
        extension.start()
    except Exception:  # noqa: BLE001 - recording at once is slower, never wrong
        logger.warning("the after-response extension did not register; work runs before responses", exc_info=True)
        return AfterWork()
    return extension


_current: AfterWork | None = None
_lock = threading.Lock()


def current() -> AfterWork:
    """The process's after-response runner, from the composition root (built on first call)."""
    global _current
    with _lock:
        if _current is None:
            from kb.composition import adapters

            _current = adapters().after_response()
        return _current
