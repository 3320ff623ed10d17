"""What Client and AsyncClient share of their transport: the configuration (key, URLs, retries,
waits) and how an operation becomes a request. Only sending differs (sync or async), so each
client keeps its own `_send`."""

from typing import Any, Literal

import httpx

from ._config import resolve, resolve_stream
from ._http import RetryPolicy, headers_for
from ._ops import Op

# How an answer is read: whole (JSON), as server-sent events (streamed answers), or as a body
# streamed from the base URL (exports).
Stream = Literal["events", "body"] | None


class Transport:
    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        stream_url: str | None,
        retry: RetryPolicy | None,
        wait_timeout: float,
    ) -> None:
        self.api_key, self.base_url = resolve(api_key, base_url)
        self.stream_url = resolve_stream(stream_url)
        self.retry = retry or RetryPolicy()
        self.wait_timeout = wait_timeout

    def _build(self, op: Op[Any], events: bool = False) -> httpx.Request:
        """Built once per operation: every retry carries the same Idempotency-Key. `events`: an
        answer streamed as server-sent events, sent to the stream URL."""
        headers = headers_for(op.method, op.idempotency_key, op.headers)
        headers["Authorization"] = f"Bearer {self.api_key}"
        base = self.base_url
        if events:
            headers["Accept"] = "text/event-stream"
            # A streamed turn that fails records nothing, so the server refuses a key for it.
            headers.pop("Idempotency-Key", None)
            base = self.stream_url or self.base_url
        return self._http.build_request(
            op.method,
            base + op.path,
            json=op.json,
            params=op.params,
            files=op.files,
            data=op.data,
            headers=headers,
        )
