"""A real webhook receiver on loopback for the end-to-end tests. Its behaviour is in the path:
/ok/<name> answers 200; /flaky/<name> 500 twice, then 200; /fail/<name> always 500;
/gone/<name> 410; /busy/<name> 503 with Retry-After: 2 once, then 200; /failfirst/<name> 500 four
times (one delivery's every attempt in the e2e stack), then 200; /slowloris/<name> first dribbles
a header line forever (a byte every 0.2 s, each well within any read timeout), then 200;
/hold/<name> answers 200 only once the test calls release(path); /busyfor/<value>/<name> 503 with
Retry-After: <value>. It records every request."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: set[str] = field(default_factory=set)
    stopped: threading.Event = field(default_factory=threading.Event)

    def release(self, path: str) -> None:
        with self.lock:
            self.released.add(path)

    def is_released(self, path: str) -> bool:
        with self.lock:
            return path in self.released

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def received(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 30.0) -> list[Received]:
        return wait_until(lambda: got if len(got := self.received(path)) >= count else None, timeout)


def wait_until(probe: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"nothing arrived in {timeout}s")


def start_receiver() -> Receiver:
    counts: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            with receiver.lock:
                receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                counts[self.path] = counts.get(self.path, 0) + 1
                seen = counts[self.path]
            kind = self.path.split("/")[1]
            if kind == "slowloris" and seen == 1:
                self._dribble()
                return
            if kind == "hold":
                wait_until(lambda: receiver.is_released(self.path) or receiver.stopped.is_set(), timeout=300)
            if kind == "failfirst":
                status = 500 if seen <= 4 else 200
            elif kind == "busyfor":
                status = 503
            elif kind in ("slowloris", "hold"):
                status = 200
            elif kind == "busy":
                status = 503 if seen == 1 else 200
            else:
                status = {"ok": 200, "fail": 500, "gone": 410}.get(kind, 200 if seen > 2 else 500)
            reply = b'{"received": true}' if status == 200 else b"no thanks"
            self.send_response(status)
            if status == 503:
                self.send_header("Retry-After", self.path.split("/")[2] if kind == "busyfor" else "2")
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def _dribble(self) -> None:
            """A status line, then one header line a byte every 0.2 s until the sender hangs up."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nx-drip: ")
                while not receiver.stopped.wait(0.2):
                    self.wfile.write(b".")
                    self.wfile.flush()
            except OSError:
                pass  # the sender gave up on us, as it should
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
