"""Analytics (admin scope: usage, performance, the query log and its settings) and feedback on
answers (read scope, so a chat widget's key can rate): `client.analytics` (docs/analytics.md).

`Analytics` serves Client and `AsyncAnalytics` AsyncClient, method for method; the operations
themselves are in _ops.py, as every other resource's."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, overload

from . import _ops as ops
from . import models as m
from ._ops import QueryFormat, When

__all__ = ["Analytics", "AsyncAnalytics", "QueryFormat", "When"]

if TYPE_CHECKING:
    from .async_client import AsyncClient
    from .client import Client

Granularity = Literal["hour", "day"]
GroupBy = Literal["none", "key", "source"]
Kind = Literal["search", "query", "chat"]
Rating = Literal["up", "down"]
QueryLogging = Literal["full", "redacted", "off"]
NEXT_CURSOR = "X-Next-Cursor"  # an export page's next cursor: the body is the entries themselves


class Analytics:
    def __init__(self, client: Client) -> None:
        self._c = client

    def usage(
        self,
        *,
        from_: When = None,
        to: When = None,
        granularity: Granularity | None = None,
        group_by: GroupBy | None = None,
    ) -> m.UsageReport:
        """Requests and work counted by hour or day (per key or source with `group_by`), and what is
        stored now. `from_`/`to`: datetimes or ISO 8601 (default the last 24 hours)."""
        return self._c.send(ops.usage(from_, to, granularity, group_by))

    def performance(self, *, from_: When = None, to: When = None, key_id: str | None = None) -> m.PerformanceReport:
        """Latency percentiles and error rates per endpoint; apply and training durations."""
        return self._c.send(ops.performance(from_, to, key_id))

    def queries(
        self,
        *,
        kind: Kind | None = None,
        zero_results: bool | None = None,
        from_: When = None,
        to: When = None,
        limit: int | None = None,
    ) -> Iterator[m.QueryLogEntry]:
        """The query log, newest first, every page (`limit`: entries a page, at most 100)."""
        filters = {"kind": kind, "zero_results": zero_results, "from_": from_, "to": to}
        for page in self._c.pages(lambda cursor: ops.query_log(filters, limit, cursor)):
            yield from page.queries

    def export(
        self,
        format: QueryFormat = "jsonl",  # noqa: A002 (the API's name)
        *,
        kind: Kind | None = None,
        zero_results: bool | None = None,
        from_: When = None,
        to: When = None,
        limit: int | None = None,
    ) -> Iterator[bytes]:
        """The query log as JSON lines or CSV, its bytes as they arrive, page after page (`limit`:
        entries a page, at most 1000); a CSV has its header row once, first."""
        filters = {"kind": kind, "zero_results": zero_results, "from_": from_, "to": to}
        cursor: str | None = None
        first = True
        while True:
            response = self._c._send(ops.export_queries(format, filters, limit, cursor), stream="body")
            try:
                cursor = response.headers.get(NEXT_CURSOR)
                chunks = response.iter_bytes()
                yield from chunks if first or format != "csv" else without_header(chunks)
            finally:
                response.close()
            if not cursor:
                return
            first = False

    def export_lines(self, format: QueryFormat = "jsonl", **filters: Any) -> Iterator[str]:  # noqa: A002
        """`export` as text lines, each ending in a newline as a file's do: `json.loads(line)` for
        JSON lines, `csv.reader(...)` over them for CSV (a quoted value may span lines)."""
        return lines(self.export(format, **filters))

    def settings(self) -> m.AnalyticsSettings:
        """The tenant's query logging (`full`, `redacted`, `off`) and its retention in days."""
        return self._c.send(ops.analytics_settings())

    def update_settings(
        self,
        *,
        query_logging: QueryLogging | None = None,
        retention_days: int | None = None,
        idempotency_key: str | None = None,
    ) -> m.AnalyticsSettings:
        fields = ops.body(query_logging=query_logging, retention_days=retention_days)
        return self._c.send(ops.update_analytics_settings(fields, idempotency_key))

    @overload
    def feedback(
        self, rating: Rating, *, query_id: str, comment: str | None = None, idempotency_key: str | None = None
    ) -> m.Feedback: ...
    @overload
    def feedback(
        self,
        rating: Rating,
        *,
        chat_id: str,
        message_id: str,
        comment: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Feedback: ...
    def feedback(
        self,
        rating: Rating,
        *,
        query_id: str | None = None,
        chat_id: str | None = None,
        message_id: str | None = None,
        comment: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Feedback:
        """Rate one answer: a query's (`query_id`: an Answer's query_id) or a chat's (`chat_id` and
        `message_id`), never both (ValueError before anything is sent). Rating it again replaces
        the rating (`replaced` says which)."""
        return self._c.send(ops.feedback(rating, query_id, chat_id, message_id, comment, idempotency_key))


class AsyncAnalytics:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def usage(
        self,
        *,
        from_: When = None,
        to: When = None,
        granularity: Granularity | None = None,
        group_by: GroupBy | None = None,
    ) -> m.UsageReport:
        return await self._c.send(ops.usage(from_, to, granularity, group_by))

    async def performance(
        self, *, from_: When = None, to: When = None, key_id: str | None = None
    ) -> m.PerformanceReport:
        return await self._c.send(ops.performance(from_, to, key_id))

    async def queries(
        self,
        *,
        kind: Kind | None = None,
        zero_results: bool | None = None,
        from_: When = None,
        to: When = None,
        limit: int | None = None,
    ) -> AsyncIterator[m.QueryLogEntry]:
        filters = {"kind": kind, "zero_results": zero_results, "from_": from_, "to": to}
        async for page in self._c.pages(lambda cursor: ops.query_log(filters, limit, cursor)):
            for entry in page.queries:
                yield entry

    async def export(
        self,
        format: QueryFormat = "jsonl",  # noqa: A002
        *,
        kind: Kind | None = None,
        zero_results: bool | None = None,
        from_: When = None,
        to: When = None,
        limit: int | None = None,
    ) -> AsyncIterator[bytes]:
        filters = {"kind": kind, "zero_results": zero_results, "from_": from_, "to": to}
        cursor: str | None = None
        first = True
        while True:
            response = await self._c._send(ops.export_queries(format, filters, limit, cursor), stream="body")
            try:
                cursor = response.headers.get(NEXT_CURSOR)
                chunks = response.aiter_bytes()
                async for chunk in chunks if first or format != "csv" else awithout_header(chunks):
                    yield chunk
            finally:
                await response.aclose()
            if not cursor:
                return
            first = False

    def export_lines(self, format: QueryFormat = "jsonl", **filters: Any) -> AsyncIterator[str]:  # noqa: A002
        return alines(self.export(format, **filters))

    async def settings(self) -> m.AnalyticsSettings:
        return await self._c.send(ops.analytics_settings())

    async def update_settings(
        self,
        *,
        query_logging: QueryLogging | None = None,
        retention_days: int | None = None,
        idempotency_key: str | None = None,
    ) -> m.AnalyticsSettings:
        fields = ops.body(query_logging=query_logging, retention_days=retention_days)
        return await self._c.send(ops.update_analytics_settings(fields, idempotency_key))

    @overload
    async def feedback(
        self, rating: Rating, *, query_id: str, comment: str | None = None, idempotency_key: str | None = None
    ) -> m.Feedback: ...
    @overload
    async def feedback(
        self,
        rating: Rating,
        *,
        chat_id: str,
        message_id: str,
        comment: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Feedback: ...
    async def feedback(
        self,
        rating: Rating,
        *,
        query_id: str | None = None,
        chat_id: str | None = None,
        message_id: str | None = None,
        comment: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Feedback:
        return await self._c.send(ops.feedback(rating, query_id, chat_id, message_id, comment, idempotency_key))


# A CSV page after the first starts with the header row the first page already gave.
def without_header(chunks: Iterable[bytes]) -> Iterator[bytes]:
    header = True
    for chunk in chunks:
        if header:
            end = chunk.find(b"\n")
            if end < 0:
                continue
            chunk, header = chunk[end + 1 :], False
        if chunk:
            yield chunk


async def awithout_header(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    header = True
    async for chunk in chunks:
        if header:
            end = chunk.find(b"\n")
            if end < 0:
                continue
            chunk, header = chunk[end + 1 :], False
        if chunk:
            yield chunk


class _Lines:
    """UTF-8 bytes in, whole lines out (a character or a line may be split across chunks)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._pending = ""

    def feed(self, chunk: bytes, final: bool = False) -> list[str]:
        *complete, self._pending = (self._pending + self._decoder.decode(chunk, final)).split("\n")
        done = [line + "\n" for line in complete]
        if final and self._pending:
            done.append(self._pending)
        return done


def lines(chunks: Iterable[bytes]) -> Iterator[str]:
    splitter = _Lines()
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.feed(b"", final=True)


async def alines(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    splitter = _Lines()
    async for chunk in chunks:
        for line in splitter.feed(chunk):
            yield line
    for line in splitter.feed(b"", final=True):
        yield line
