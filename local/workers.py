"""Lambda's execution model on one machine: a worker process per function, started on first
invoke (a real cold start), kept warm, and another one started when all are busy. Each worker
has its own interpreter, module namespace and os.environ, exactly like a Lambda sandbox, and its
own Extensions API (local/extensions_api.py): after returning a response it waits until its
extensions are done (the after-response work, kb.afterwork) before it takes the next invocation."""

import importlib
import json
import multiprocessing
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import ModuleType
from typing import Any

_SPAWN = multiprocessing.get_context("spawn")
SETTLED = "settled"  # sent after each invocation's result, once its extensions are done


@dataclass(frozen=True)
class WorkerSpec:
    function_name: str
    function_arn: str
    code_dir: str
    layer_dirs: tuple[str, ...]
    handler: str
    environment: dict[str, str]
    timeout_seconds: float
    memory_size: int
    # "module:function" and its arguments, called before the handler is imported (the local
    # stack's test controls install their adapters this way); None in a plain local stack.
    setup: tuple[str, tuple[str, ...]] | None = None
    # Local-only adapters applied to the handler's module after import (picklable callables).
    adapters: tuple[Callable[[ModuleType], None], ...] = ()
    # "module:attribute" of an ASGI app run by the Lambda Web Adapter (local/web_adapter.py);
    # the handler is then the adapter's start script, not a Python function.
    web_app: str | None = None


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def error_payload(error: BaseException, error_type: str | None = None) -> str:
    return json.dumps(
        {
            "errorMessage": str(error),
            "errorType": error_type or type(error).__name__,
            "stackTrace": traceback.format_exception(error),
        }
    )


def _serve(conn: Connection, spec: WorkerSpec) -> None:
    """The worker's main loop (runs in the child process)."""
    from local.extensions_api import ExtensionsApi

    extensions = ExtensionsApi(spec.function_name, "$LATEST", spec.handler)
    os.environ.clear()
    os.environ.update(spec.environment)
    os.environ["AWS_LAMBDA_RUNTIME_API"] = extensions.address
    sys.path[:0] = [spec.code_dir, *spec.layer_dirs]
    os.chdir(spec.code_dir)
    module_name, attribute = spec.web_app.split(":") if spec.web_app else spec.handler.rsplit(".", 1)
    init_error: str | None = None
    app: Any = None
    try:
        if spec.setup is not None:
            setup_module, setup_function = spec.setup[0].split(":")
            getattr(importlib.import_module(setup_module), setup_function)(*spec.setup[1])
        module = importlib.import_module(module_name)
        for adapt in spec.adapters:
            adapt(module)
        function = getattr(module, attribute)
        if spec.web_app:
            from local import web_adapter

            app, function = function, web_adapter.buffered(function)
    except Exception as error:  # noqa: BLE001 - reported to the caller as Lambda does
        init_error = error_payload(error, "Runtime.ImportModuleError")
    while True:
        try:
            request_id, event, streamed = conn.recv()
        except EOFError:
            return
        if init_error is not None:
            conn.send({"end": True, "error": init_error} if streamed else (init_error, True))
            conn.send(SETTLED)
            continue
        extensions.invoke(request_id, time.time() + spec.timeout_seconds, spec.function_arn)
        if streamed:
            _stream(conn, app, event)
        else:
            _invoke(conn, spec, function, request_id, event)
        # The result is on its way to the caller; the environment is busy until its extensions are done.
        extensions.wait_done(spec.timeout_seconds)
        conn.send(SETTLED)


def _invoke(conn: Connection, spec: WorkerSpec, function: Any, request_id: str, event: Any) -> None:
    context = LambdaContext(
        function_name=spec.function_name,
        function_version="$LATEST",
        invoked_function_arn=spec.function_arn,
        memory_limit_in_mb=spec.memory_size,
        aws_request_id=request_id,
        log_group_name=f"/aws/lambda/{spec.function_name}",
        log_stream_name=f"local/{os.getpid()}",
        deadline=time.monotonic() + spec.timeout_seconds,
    )
    try:
        result = function(event, context)
        conn.send((json.dumps(result), False))
    except Exception as error:  # noqa: BLE001 - an unhandled error is the invocation's result
        conn.send((error_payload(error), True))


def _stream(conn: Connection, app: Any, event: Any) -> None:
    """A streamed invoke: the response's parts go to the caller as the app sends them."""
    from local import web_adapter

    try:
        web_adapter.drive(app, event, conn.send)
        conn.send({"end": True, "error": None})
    except Exception as error:  # noqa: BLE001 - the invocation's error, as Lambda reports it
        conn.send({"end": True, "error": error_payload(error)})


class WorkerTimeout(Exception):
    pass


class Worker:
    def __init__(self, spec: WorkerSpec) -> None:
        parent, child = _SPAWN.Pipe()
        self.process = _SPAWN.Process(target=_serve, args=(child, spec), daemon=True, name=spec.function_name)
        self.process.start()
        child.close()
        self.connection = parent
        self.settled = True  # its last invocation's extensions are done: it can take the next one

    def poll_settled(self, timeout_seconds: float = 0.0) -> bool:
        if not self.settled and self.connection.poll(timeout_seconds):
            if self.connection.recv() != SETTLED:
                raise EOFError("the worker broke the protocol")
            self.settled = True
        return self.settled

    def _send(self, event: Any, streamed: bool, timeout_seconds: float) -> None:
        if not self.poll_settled(timeout_seconds):  # still running its last invocation's after-work
            raise WorkerTimeout()
        self.connection.send((str(uuid.uuid4()), event, streamed))
        self.settled = False

    def call(self, event: Any, timeout_seconds: float) -> tuple[str, bool]:
        self._send(event, False, timeout_seconds)
        # The first call also waits for the cold start (interpreter + imports), as Lambda's init does.
        if not self.connection.poll(timeout_seconds):
            raise WorkerTimeout()
        payload, errored = self.connection.recv()
        return payload, errored

    def call_streamed(self, event: Any, timeout_seconds: float) -> Iterator[dict[str, Any]]:
        """The parts of a streamed response ({"status", "headers"}, {"body"}...), each as soon as
        the worker sends it, within the function's timeout overall."""
        self._send(event, True, timeout_seconds)
        deadline = time.monotonic() + timeout_seconds
        while True:
            if not self.connection.poll(max(0.0, deadline - time.monotonic())):
                raise WorkerTimeout()
            part: dict[str, Any] = self.connection.recv()
            yield part
            if part.get("end"):
                return

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()


class FunctionPool:
    """The warm workers of one function; a busy function gets another worker, not a queue."""

    def __init__(self, spec: WorkerSpec, init_allowance_seconds: float = 10.0) -> None:
        self.spec = spec
        self.init_allowance = init_allowance_seconds
        self._idle: list[Worker] = []
        self._all: list[Worker] = []
        self._lock = threading.Lock()

    def invoke(self, event: Any) -> tuple[str, bool]:
        worker, timeout = self._take()
        try:
            payload, errored = worker.call(event, timeout)
        except (WorkerTimeout, EOFError, OSError) as error:
            self._discard(worker)
            if isinstance(error, WorkerTimeout):
                message = f"Task timed out after {self.spec.timeout_seconds:.2f} seconds"
                return error_payload(TimeoutError(message), "Sandbox.Timedout"), True
            return error_payload(RuntimeError("the worker process exited"), "Runtime.ExitError"), True
        with self._lock:
            self._idle.append(worker)
        return payload, errored

    def stream(self, event: Any) -> Iterator[dict[str, Any]]:
        """A streamed invoke (a function URL in RESPONSE_STREAM mode): the worker is busy until
        the stream ends; a timeout or a dead worker ends it with an error part."""
        worker, timeout = self._take()
        try:
            for part in worker.call_streamed(event, timeout):
                if part.get("end"):  # warm again before the caller hears the end (it may stop reading)
                    with self._lock:
                        self._idle.append(worker)
                yield part
        except (WorkerTimeout, EOFError, OSError) as error:
            self._discard(worker)
            yield {"end": True, "error": error_payload(error)}
        except GeneratorExit:  # the caller went away mid-stream: the worker may still be sending
            if worker not in self._idle:
                self._discard(worker)
            raise

    def _take(self) -> tuple[Worker, float]:
        """A warm worker done with its last invocation, else a warm one still finishing its
        after-response work (it takes milliseconds; a new worker is a cold start of seconds),
        else a new one."""
        with self._lock:
            if self._idle:
                settled = [w for w in self._idle if w.poll_settled()]
                worker = (settled or self._idle)[-1]
                self._idle.remove(worker)
                return worker, self.spec.timeout_seconds
            worker = Worker(self.spec)
            self._all.append(worker)
            return worker, self.spec.timeout_seconds + self.init_allowance

    def _discard(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def stop(self) -> None:
        with self._lock:
            workers, self._all, self._idle = self._all, [], []
        for worker in workers:
            worker.stop()

    @property
    def size(self) -> int:
        return len(self._all)
