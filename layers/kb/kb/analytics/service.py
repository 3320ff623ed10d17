"""Reports over the recorded counters (usage, performance), the query log, and feedback."""

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from kb.analytics import histogram
from kb.analytics.models import (
    DurationKind,
    DurationPerformance,
    EndpointPerformance,
    Feedback,
    FeedbackRequest,
    Percentiles,
    PerformanceReport,
    QueryLogEntry,
    RequestCounts,
    SourceStorage,
    StoredUsage,
    UsageBucket,
    UsageCounters,
    UsageReport,
)
from kb.analytics.recording import note
from kb.analytics.repository import AnalyticsRepository, CounterRow
from kb.chats.repository import ChatRepository
from kb.errors import NotFound, ValidationFailed
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, to_iso
from kb.quotas import usage_key
from kb.sources.repository import SourceRepository
from kb.storage import Table

MAX_RANGE_DAYS = 92
Granularity = Literal["hour", "day"]
GroupBy = Literal["none", "key", "source"]
# A counter item's attribute -> the report's field.
_COUNTERS = {
    "itemsPushed": "items_pushed",
    "runs": "runs",
    "applies": "applies",
    "searches": "searches",
    "queries": "queries",
    "chatMessages": "chat_messages",
    "answerTokens": "answer_tokens",
    "ratingsUp": "ratings_up",
    "ratingsDown": "ratings_down",
}


def time_range(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """[start, end): default the last 24 hours; at most MAX_RANGE_DAYS."""
    end = (end or now).astimezone(UTC)
    start = (start or end - timedelta(days=1)).astimezone(UTC)
    if start >= end:
        raise ValidationFailed("from: must be before to")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise ValidationFailed(f"from, to: at most {MAX_RANGE_DAYS} days apart")
    return start, end


def _rows(repository: AnalyticsRepository, tenant_id: str, start: datetime, end: datetime) -> Iterable[CounterRow]:
    """Every counter row whose hour overlaps [start, end)."""
    first = start.replace(minute=0, second=0, microsecond=0)
    day = first.replace(hour=0)
    while day < end:
        for row in repository.counter_rows(tenant_id, day):
            if first <= row.hour < end:
                yield row
        day += timedelta(days=1)


def _add(counters: UsageCounters, row: CounterRow) -> None:
    values = row.values
    for target in (counters.requests, counters.by_endpoint.setdefault(row.endpoint, RequestCounts())):
        target.total += values.get("n", 0)
        target.s2xx += values.get("s2xx", 0)
        target.s3xx += values.get("s3xx", 0)
        target.s4xx += values.get("s4xx", 0)
        target.s5xx += values.get("s5xx", 0)
    for attribute, field in _COUNTERS.items():
        setattr(counters, field, getattr(counters, field) + values.get(attribute, 0))


def usage_report(
    repository: AnalyticsRepository,
    table: Table,
    tenant_id: str,
    start: datetime,
    end: datetime,
    granularity: Granularity,
    group_by: GroupBy,
) -> UsageReport:
    buckets: dict[tuple[datetime, str | None, str | None], UsageBucket] = {}
    totals = UsageCounters()
    for row in _rows(repository, tenant_id, start, end):
        if row.kind != "REQ":
            continue
        moment = row.hour if granularity == "hour" else row.hour.replace(hour=0)
        group = (moment, row.key_id if group_by == "key" else None, row.source_id if group_by == "source" else None)
        bucket = buckets.get(group)
        if bucket is None:
            bucket = buckets[group] = UsageBucket(start=to_iso(moment), key_id=group[1], source_id=group[2])
        _add(bucket, row)
        _add(totals, row)
    ordered = [buckets[group] for group in sorted(buckets, key=lambda g: (g[0], g[1] or "", g[2] or ""))]
    return UsageReport(
        start=to_iso(start),
        end=to_iso(end),
        granularity=granularity,
        group_by=group_by,
        buckets=ordered,
        totals=totals,
        stored=stored_usage(table, tenant_id),
    )


def stored_usage(table: Table, tenant_id: str) -> StoredUsage:
    """The tenant's usage record (staging) and each source's published generation."""
    key = usage_key(tenant_id)
    usage = table.get(key["pk"], key["sk"]) or {}
    generations = GenerationRepository(table)
    sources = []
    for source in SourceRepository(table).all(tenant_id):
        generation = generations.get(source.id, source.current_generation_id) if source.current_generation_id else None
        manifest = generation.manifest if generation else None
        items, chunks = (manifest.item_count, manifest.chunk_count) if manifest else (0, 0)
        sources.append(SourceStorage(source_id=source.id, items=items, chunks=chunks))
    return StoredUsage(
        items=int(usage.get("storedItems", 0)),
        bytes=int(usage.get("storedBytes", 0)),
        chunks=sum(s.chunks for s in sources),
        sources=sources,
    )


def _percentiles(merged: dict[int, int], total_us: int, count: int, scale: float) -> Percentiles:
    """From a merged histogram (ms); `scale` converts ms to the unit reported."""

    def at(q: float) -> float | None:
        value = histogram.percentile(merged, q)
        return None if value is None else round(value * scale, 3)

    mean = round(total_us / 1000 / count * scale, 3) if count else None
    return Percentiles(p50=at(0.50), p95=at(0.95), p99=at(0.99), mean=mean)


def performance_report(
    repository: AnalyticsRepository, tenant_id: str, start: datetime, end: datetime, key_id: str | None
) -> PerformanceReport:
    """Per endpoint: requests, errors and latency percentiles from the hours' histograms merged
    (across hours, keys and sources); the durations of applies and trainings the same way."""
    endpoint_rows: dict[str, list[CounterRow]] = {}
    duration_rows: dict[str, list[CounterRow]] = {}
    for row in _rows(repository, tenant_id, start, end):
        if row.kind == "REQ" and (key_id is None or row.key_id == key_id):
            endpoint_rows.setdefault(row.endpoint, []).append(row)
        elif row.kind == "DUR":
            duration_rows.setdefault(row.endpoint, []).append(row)
    endpoints = []
    for endpoint, rows in sorted(endpoint_rows.items()):
        requests = sum(r.values.get("n", 0) for r in rows)
        errors = sum(r.values.get("s5xx", 0) for r in rows)
        merged = histogram.merge(r.histogram() for r in rows)
        endpoints.append(
            EndpointPerformance(
                endpoint=endpoint,
                requests=requests,
                server_errors=errors,
                client_errors=sum(r.values.get("s4xx", 0) for r in rows),
                error_rate=round(errors / requests, 6) if requests else 0.0,
                latency_ms=_percentiles(merged, sum(r.values.get("us", 0) for r in rows), requests, 1.0),
            )
        )
    durations = []
    for kind, rows in sorted(duration_rows.items()):
        count = sum(r.values.get("n", 0) for r in rows)
        merged = histogram.merge(r.histogram() for r in rows)
        summary = _percentiles(merged, sum(r.values.get("us", 0) for r in rows), count, 0.001)
        durations.append(DurationPerformance(kind=_duration_kind(kind), count=count, seconds=summary))
    return PerformanceReport(start=to_iso(start), end=to_iso(end), endpoints=endpoints, durations=durations)


def _duration_kind(kind: str) -> DurationKind:
    return "training" if kind == "training" else "apply"


# The query log's exports


def as_json_lines(entries: Iterable[QueryLogEntry]) -> str:
    return "".join(json.dumps(e.to_json_dict(), ensure_ascii=False) + "\n" for e in entries)


CSV_COLUMNS = ("id", "kind", "createdAt", "keyId", "text", "textHash", "mode", "filters", "sourceIds", "chatId",
               "resultCount", "topItems", "found", "latencyMs", "answerTokens", "rating", "comment")  # fmt: skip


def as_csv(entries: Iterable[QueryLogEntry]) -> str:
    """One row per entry; nested values (filters, sourceIds, topItems) as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        record = entry.to_json_dict()
        writer.writerow(
            [
                "" if record.get(c) is None else json.dumps(record[c]) if isinstance(record[c], dict | list)
                else str(record[c]).lower() if isinstance(record[c], bool) else record[c]
                for c in CSV_COLUMNS
            ]
        )  # fmt: skip
    return out.getvalue()


# Feedback


def record_feedback(
    repository: AnalyticsRepository, chats: ChatRepository, tenant_id: str, request: FeedbackRequest
) -> Feedback:
    """Rate a query's answer or a chat's answer of this tenant (404 for anyone else's). A second
    rating of the same answer replaces the first; the aggregates move by the difference."""
    if request.query_id is not None:
        logged = repository.log_entry(tenant_id, request.query_id)
        if logged is None or logged.kind != "query":
            raise NotFound(
                f"Query {request.query_id} is not in this tenant's query log (it was not logged, or it expired)."
            )
        target, kind, chat_id = request.query_id, "query", None
    else:
        assert request.chat_id is not None and request.message_id is not None
        chat = chats.get(request.chat_id)
        if chat is None or chat.tenant_id != tenant_id:
            raise NotFound(f"Chat {request.chat_id} not found.")
        if not any(m.id == request.message_id and m.role == "assistant" for m in chats.all_messages(chat.id)):
            raise NotFound(f"Chat {chat.id} has no answer {request.message_id}.")
        target, kind, chat_id = request.message_id, "chat", chat.id
    feedback = Feedback(
        target_id=target, kind=kind, chat_id=chat_id, rating=request.rating, comment=request.comment,
        created_at=iso_now(),
    )  # fmt: skip
    settings = repository.settings(tenant_id)
    expires = int(datetime.now(UTC).timestamp()) + max(settings.retention_days, 30) * 86400
    previous = repository.put_feedback(tenant_id, feedback, expires)
    repository.rate_log_entry(tenant_id, feedback)
    note(**{f"ratings{request.rating.title()}": 1})
    if previous is not None:
        note(**{f"ratings{previous.rating.title()}": -1})
        return feedback.model_copy(update={"replaced": previous.rating})
    return feedback
