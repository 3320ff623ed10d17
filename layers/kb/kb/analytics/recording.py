"""Recording: what each request adds to its tenant's counters, histograms and query log.

A request's handler notes what it did (items pushed, an answer's tokens, the query it served) in
its Notes; the HTTP hook (kb.analytics.hook) records them with the status and latency after the
response has been sent (kb.afterwork). Each request costs one UpdateItem (every count of the request in one item), plus
one PutItem, issued alongside it, when a query is logged. A failure to record is logged and
counted (AnalyticsNotRecorded), never raised: analytics never fail a request."""

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from kb.analytics import histogram
from kb.analytics.models import AnalyticsSettings, LoggedKind, QueryLogEntry, TopItem
from kb.analytics.repository import COUNTER_RETENTION_DAYS, AnalyticsRepository, day_partition
from kb.ids import Clock, to_iso, utcnow
from kb.observability import count, logger

SETTINGS_CACHE_SECONDS = 60.0
# Counts a successful answer of these endpoints implies (the rest are noted by their handlers).
IMPLIED: dict[str, str] = {
    "POST /v1/search": "searches",
    "POST /v1/query": "queries",
    "POST /v1/chats": "chatMessages",
    "POST /v1/chats/{chatId}/messages": "chatMessages",
    "POST /v1/sources/{sourceId}/runs": "runs",
    "POST /v1/sources/{sourceId}/runs/{runId}/apply": "applies",
    "POST /v1/sources/{sourceId}/items": "itemsPushed",
}


@dataclass
class LoggedQuery:
    """What a search or an answer served, for the query log."""

    id: str
    kind: LoggedKind
    text: str
    mode: str | None
    filters: dict[str, Any] | None
    source_ids: list[str] | None
    result_count: int
    top_items: list[TopItem]
    found: bool
    answer_tokens: int | None = None
    chat_id: str | None = None


@dataclass
class Notes:
    counts: dict[str, int] = field(default_factory=dict)
    query: LoggedQuery | None = None


_notes: ContextVar[Notes | None] = ContextVar("analytics_notes", default=None)


def begin() -> Notes:
    """A request's notes (its handler runs in a copy of this context and adds to the same object)."""
    notes = Notes()
    _notes.set(notes)
    return notes


def note(**counts: int) -> None:
    """Add to the current request's counts (outside a recorded request: nothing)."""
    notes = _notes.get()
    if notes is not None:
        for name, value in counts.items():
            notes.counts[name] = notes.counts.get(name, 0) + value


def note_query(query: LoggedQuery) -> None:
    notes = _notes.get()
    if notes is not None:
        notes.query = query
        if query.answer_tokens:
            note(answerTokens=query.answer_tokens)


def top_items(pairs: list[tuple[str, str]], limit: int = 5) -> list[TopItem]:
    """The first `limit` distinct items, in the order served."""
    seen: dict[tuple[str, str], None] = {}
    for pair in pairs:
        seen.setdefault(pair)
        if len(seen) == limit:
            break
    return [TopItem(source_id=source_id, external_item_id=item_id) for source_id, item_id in seen]


def status_class(status: int) -> str:
    return f"s{min(max(status // 100, 2), 5)}xx"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class SettingsCache:
    """Each tenant's analytics settings, kept SETTINGS_CACHE_SECONDS by a warm function (a change
    takes effect within that time) so that logging a query costs no read on most requests."""

    def __init__(self, load: Callable[[str], AnalyticsSettings], clock: Callable[[], float] = time.monotonic) -> None:
        self.load, self.clock = load, clock
        self.cached: dict[str, tuple[float, AnalyticsSettings]] = {}

    def get(self, tenant_id: str) -> AnalyticsSettings:
        hit = self.cached.get(tenant_id)
        if hit is not None and self.clock() - hit[0] < SETTINGS_CACHE_SECONDS:
            return hit[1]
        settings = self.load(tenant_id)
        self.cached[tenant_id] = (self.clock(), settings)
        return settings


class Recorder:
    def __init__(self, repository: AnalyticsRepository, clock: Clock = utcnow) -> None:
        self.repository = repository
        self.clock = clock
        self.settings = SettingsCache(repository.settings)
        self._pool: ThreadPoolExecutor | None = None

    def record_request(
        self,
        tenant_id: str,
        key_id: str,
        endpoint: str,
        source_id: str | None,
        status: int,
        seconds: float,
        notes: Notes,
    ) -> None:
        try:
            now = self.clock().astimezone(UTC)
            ms = seconds * 1000
            counts: dict[str, int | float] = {"n": 1, status_class(status): 1, f"h{histogram.bucket_of(ms)}": 1}
            counts["us"] = round(seconds * 1_000_000)
            if 200 <= status < 300:
                implied = IMPLIED.get(endpoint)
                if implied and implied not in notes.counts:
                    counts[implied] = 1
                counts.update({name: value for name, value in notes.counts.items() if value})
            logged = self._pool_submit(self._log, tenant_id, key_id, notes.query, ms, now) if notes.query else None
            sk = f"REQ#{now:%H}#{endpoint}#{key_id}#{source_id or '-'}"
            self.repository.add(day_partition(tenant_id, now), sk, counts, self._counter_expiry(now))
            if logged is not None:
                logged.result()
        except Exception:  # noqa: BLE001 - analytics never fail the request
            logger.warning("a request was not recorded in analytics", exc_info=True)
            count("AnalyticsNotRecorded")

    def log_answer(self, tenant_id: str, key_id: str, query: LoggedQuery, seconds: float) -> None:
        """An answer's log entry, before its response leaves: the client may rate it at once
        (its tokens are counted with the request)."""
        try:
            self._log(tenant_id, key_id, query, seconds * 1000, self.clock().astimezone(UTC))
        except Exception:  # noqa: BLE001 - analytics never fail the answer
            logger.warning("an answer was not logged in analytics", exc_info=True)
            count("AnalyticsNotRecorded")

    def record_query(self, tenant_id: str, key_id: str, endpoint: str, query: LoggedQuery, seconds: float) -> None:
        """A streamed answer's log entry and tokens, once it has ended (its request was counted
        when the stream began)."""
        try:
            now = self.clock().astimezone(UTC)
            self._log(tenant_id, key_id, query, seconds * 1000, now)
            if query.answer_tokens:
                sk = f"REQ#{now:%H}#{endpoint}#{key_id}#-"
                counts: dict[str, int | float] = {"answerTokens": query.answer_tokens}
                self.repository.add(day_partition(tenant_id, now), sk, counts, self._counter_expiry(now))
        except Exception:  # noqa: BLE001 - analytics never fail the answer
            logger.warning("a streamed answer was not recorded in analytics", exc_info=True)
            count("AnalyticsNotRecorded")

    def record_duration(self, tenant_id: str, kind: Literal["apply", "training"], seconds: float) -> None:
        """An apply's or a training's duration (from acceptance to done), for /v1/analytics/performance."""
        try:
            now = self.clock().astimezone(UTC)
            counts: dict[str, int | float] = {"n": 1, "us": round(seconds * 1_000_000)}
            counts[f"h{histogram.bucket_of(seconds * 1000)}"] = 1
            sk = f"DUR#{now:%H}#{kind}"
            self.repository.add(day_partition(tenant_id, now), sk, counts, self._counter_expiry(now))
        except Exception:  # noqa: BLE001 - a duration not recorded never fails the work measured
            logger.warning("a duration was not recorded in analytics", exc_info=True)
            count("AnalyticsNotRecorded")

    def _counter_expiry(self, now: datetime) -> int:
        return _epoch(now + timedelta(days=COUNTER_RETENTION_DAYS))

    def _pool_submit(self, fn: Callable[..., None], *args: Any) -> Any:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analytics")
        return self._pool.submit(fn, *args)

    def _log(self, tenant_id: str, key_id: str, query: LoggedQuery, ms: float, now: datetime) -> None:
        settings = self.settings.get(tenant_id)
        if settings.query_logging == "off":
            return
        full = settings.query_logging == "full"
        entry = QueryLogEntry(
            id=query.id,
            kind=query.kind,
            created_at=to_iso(now),
            key_id=key_id,
            text=query.text if full else None,
            text_hash=None if full else text_hash(tenant_id, query.text),
            mode=query.mode,
            filters=query.filters if full else None,
            source_ids=query.source_ids,
            chat_id=query.chat_id,
            result_count=query.result_count,
            top_items=query.top_items,
            found=query.found,
            latency_ms=round(ms, 3),
            answer_tokens=query.answer_tokens,
        )
        self.repository.log(tenant_id, entry, _epoch(now + timedelta(days=settings.retention_days)))


def text_hash(tenant_id: str, text: str) -> str:
    """Equal for equal texts (case and spacing aside) of one tenant; unlinkable across tenants."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(f"{tenant_id}\n{normalized}".encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def recorder() -> Recorder:
    """The process's recorder, over the configured table (built on first use)."""
    from kb.aws import get_clients
    from kb.settings import get_settings
    from kb.storage import Table

    return Recorder(AnalyticsRepository(Table(get_clients().dynamodb, get_settings().table_name)))
