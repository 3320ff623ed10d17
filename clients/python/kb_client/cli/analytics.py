"""`kb analytics usage|performance|queries|settings` (admin key) and `kb feedback` (read key):
docs/analytics.md."""

import sys
from pathlib import Path
from typing import Any, cast

import click

from .. import _ops as ops
from .. import models as m
from ..analytics import Granularity, GroupBy, QueryFormat, QueryLogging
from . import Context, cli, pass_context
from .commands import LIMIT, listing
from .output import console, emit_json, plain, show, table

FROM = click.option("--from", "from_", metavar="ISO8601", help="Start of the range (default: 24 hours before --to).")
TO = click.option("--to", metavar="ISO8601", help="End of the range, exclusive (default: now).")


@cli.group()
def analytics() -> None:
    """Usage, performance and the query log of the tenant (an admin key)."""


@analytics.command("usage")
@FROM
@TO
@click.option("--granularity", type=click.Choice(["hour", "day"]), default="hour", show_default=True)
@click.option("--group-by", type=click.Choice(["none", "key", "source"]), default="none", show_default=True)
@pass_context
def analytics_usage(ctx: Context, from_: str | None, to: str | None, granularity: str, group_by: str) -> None:
    """Requests and work by hour or day, the totals, and what is stored now."""
    report = ctx.client.analytics.usage(
        from_=from_, to=to, granularity=cast(Granularity, granularity), group_by=cast(GroupBy, group_by)
    )
    if ctx.as_json:
        emit_json(report)
        return
    columns = ["start", *(["keyId"] if group_by == "key" else ["sourceId"] if group_by == "source" else [])]
    table([_counters(b, start=b.start, keyId=b.key_id, sourceId=b.source_id) for b in report.buckets], columns + COUNTS)
    table([_counters(report.totals)], COUNTS, title=f"totals {report.from_} to {report.to}")
    stored = report.stored
    console.print(f"stored: {stored.items} items, {stored.bytes} bytes, {stored.chunks} chunks published")


COUNTS = ["requests", "4xx", "5xx", "itemsPushed", "runs", "applies", "searches", "queries", "chatMessages"]
COUNTS += ["answerTokens", "ratingsUp", "ratingsDown"]


def _counters(counters: m.UsageCounters | m.UsageBucket, **extra: Any) -> dict[str, Any]:
    data = plain(counters)
    requests = data.pop("requests", {}) or {}
    counts = {"requests": requests.get("total", 0), "4xx": requests.get("4xx", 0), "5xx": requests.get("5xx", 0)}
    return {**data, **counts, **extra}


@analytics.command("performance")
@FROM
@TO
@click.option("--key-id", help="Only this key's requests.")
@pass_context
def analytics_performance(ctx: Context, from_: str | None, to: str | None, key_id: str | None) -> None:
    """Latency percentiles (ms) and error rates per endpoint; apply and training durations (s)."""
    report = ctx.client.analytics.performance(from_=from_, to=to, key_id=key_id)
    if ctx.as_json:
        emit_json(report)
        return
    rows = [{**plain(e), **plain(e.latency_ms)} for e in report.endpoints]
    table(rows, ["endpoint", "requests", "clientErrors", "serverErrors", "errorRate", "p50", "p95", "p99", "mean"])
    if report.durations:
        table([{**plain(d), **plain(d.seconds)} for d in report.durations], ["kind", "count", "p50", "p95", "p99"])


@analytics.command("queries")
@click.option("--kind", type=click.Choice(["search", "query", "chat"]))
@click.option("--zero-results/--with-results", default=None, help="Only what found nothing / only the others.")
@FROM
@TO
@LIMIT
@click.option(
    "--export",
    "export_format",
    type=click.Choice(["jsonl", "csv"]),
    help="Write every entry of the range (no --limit) as JSON lines or CSV.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Export to this file.")
@pass_context
def analytics_queries(
    ctx: Context,
    kind: str | None,
    zero_results: bool | None,
    from_: str | None,
    to: str | None,
    limit: int,
    export_format: str | None,
    output: Path | None,
) -> None:
    """The query log, newest first; --export writes it as it arrives."""
    filters: dict[str, Any] = {"kind": kind, "zero_results": zero_results, "from_": from_, "to": to}
    if export_format is None:
        rows = ctx.client.analytics.queries(**filters, limit=min(limit, 100))
        listing(ctx, rows, limit, ["createdAt", "kind", "text", "mode", "resultCount", "found", "latencyMs", "rating"])
        return
    chunks = ctx.client.analytics.export(cast(QueryFormat, export_format), **filters)
    if output is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    with output.open("wb") as file:
        for chunk in chunks:
            file.write(chunk)


@analytics.command("settings")
@click.option("--query-logging", type=click.Choice(["full", "redacted", "off"]), help="Change what the log keeps.")
@click.option("--retention-days", type=click.IntRange(1, 365), help="Change how long it keeps it.")
@pass_context
def analytics_settings(ctx: Context, query_logging: str | None, retention_days: int | None) -> None:
    """The query log's settings; with an option, change them."""
    if query_logging is None and retention_days is None:
        show(ctx.client.analytics.settings(), ctx.as_json)
        return
    logging = cast(QueryLogging | None, query_logging)
    changed = ctx.client.analytics.update_settings(query_logging=logging, retention_days=retention_days)
    show(changed, ctx.as_json)


@cli.command()
@click.argument("rating", type=click.Choice(["up", "down"]))
@click.option("--query-id", help="A query's answer (its queryId).")
@click.option("--chat-id", help="A chat's answer: the chat ...")
@click.option("--message-id", help="... and the assistant message.")
@click.option("--comment", help="Why (at most 2000 characters).")
@pass_context
def feedback(
    ctx: Context,
    rating: str,
    query_id: str | None,
    chat_id: str | None,
    message_id: str | None,
    comment: str | None,
) -> None:
    """Rate an answer: --query-id, or --chat-id with --message-id (a read key is enough)."""
    try:  # the SDK's overloads take one target or the other; the CLI checks the rule at run time
        op = ops.feedback(rating, query_id, chat_id, message_id, comment, None)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    show(ctx.client.send(op), ctx.as_json)
