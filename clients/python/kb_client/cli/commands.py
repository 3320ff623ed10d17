"""`kb sources|items|runs|generations|files|keys|webhooks ...`: the API's resources."""

import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import click

from . import Context, cli, pass_context
from .output import console, emit_json, show, table

LIMIT = click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="At most this many rows.")


def listing(ctx: Context, rows: Iterator[Any], limit: int, columns: list[str]) -> None:
    """The first `limit` rows, following cursors as far as needed."""
    taken = list(islice(rows, limit))
    if ctx.as_json:
        emit_json(taken)
    else:
        table(taken, columns)


@cli.group()
def sources() -> None:
    """Sources: a named set of items with its own lifecycle."""


@sources.command("list")
@LIMIT
@pass_context
def sources_list(ctx: Context, limit: int) -> None:
    listing(ctx, ctx.client.sources.iter(), limit, ["id", "name", "status", "currentGenerationId", "updatedAt"])


@sources.command("get")
@click.argument("source_id")
@pass_context
def sources_get(ctx: Context, source_id: str) -> None:
    show(ctx.client.sources.get(source_id), ctx.as_json)


@sources.command("create")
@click.argument("name")
@click.option("--grace-days", type=int, help="Days a missing item keeps serving as a tombstone.")
@click.option("--auto-publish", type=int, metavar="SECONDS", help="Publish by itself this long after a change.")
@pass_context
def sources_create(ctx: Context, name: str, grace_days: int | None, auto_publish: int | None) -> None:
    publishing = {"mode": "auto", "delaySeconds": auto_publish} if auto_publish is not None else None
    source = ctx.client.sources.create(name, grace_days=grace_days, publishing=publishing)
    emit_json(source) if ctx.as_json else console.print(source.id)


@sources.command("archive")
@click.argument("source_id")
@pass_context
def sources_archive(ctx: Context, source_id: str) -> None:
    show(ctx.client.sources.archive(source_id), ctx.as_json)


@cli.group()
def items() -> None:
    """Items of a source's staging set."""


@items.command("list")
@click.argument("source_id")
@click.option("--q", help="Words the title must hold.")
@click.option("--state", type=click.Choice(["active", "missing"]))
@click.option("--tag", multiple=True)
@LIMIT
@pass_context
def items_list(
    ctx: Context, source_id: str, q: str | None, state: str | None, tag: tuple[str, ...], limit: int
) -> None:
    rows = ctx.client.items.iter(source_id, q=q, state=state, tag=list(tag) or None)
    listing(ctx, rows, limit, ["externalItemId", "title", "state", "version", "updatedAt"])


@items.command("get")
@click.argument("source_id")
@click.argument("external_item_id")
@pass_context
def items_get(ctx: Context, source_id: str, external_item_id: str) -> None:
    show(ctx.client.items.get(source_id, external_item_id), ctx.as_json)


@items.command("push")
@click.argument("source_id")
@click.argument("external_item_id")
@click.option("--content", help="The content (else --file, else standard input).")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title")
@click.option("--url")
@click.option("--tag", multiple=True)
@click.option("--metadata", help="A JSON object of flat values.")
@pass_context
def items_push(
    ctx: Context,
    source_id: str,
    external_item_id: str,
    content: str | None,
    path: Path | None,
    title: str | None,
    url: str | None,
    tag: tuple[str, ...],
    metadata: str | None,
) -> None:
    """Upsert one item."""
    if content is not None:
        text = content
    elif path is not None:
        text = path.read_text()
    else:
        text = sys.stdin.read()
    result = ctx.client.items.upsert(
        source_id,
        external_item_id=external_item_id,
        content=text,
        title=title,
        url=url,
        tags=list(tag) or None,
        metadata=json.loads(metadata) if metadata else None,
    )
    emit_json(result) if ctx.as_json else console.print(f"{result.outcome}: {external_item_id}")


@items.command("delete")
@click.argument("source_id")
@click.argument("external_item_id")
@pass_context
def items_delete(ctx: Context, source_id: str, external_item_id: str) -> None:
    show(ctx.client.items.delete(source_id, external_item_id), ctx.as_json)


@cli.group()
def runs() -> None:
    """Runs: what would change at the next apply."""


@runs.command("list")
@click.argument("source_id")
@LIMIT
@pass_context
def runs_list(ctx: Context, source_id: str, limit: int) -> None:
    listing(ctx, ctx.client.runs.iter(source_id), limit, ["id", "status", "counts", "createdAt", "appliedGenerationId"])


@runs.command("get")
@click.argument("source_id")
@click.argument("run_id")
@pass_context
def runs_get(ctx: Context, source_id: str, run_id: str) -> None:
    show(ctx.client.runs.get(source_id, run_id), ctx.as_json)


@runs.command("create")
@click.argument("source_id")
@pass_context
def runs_create(ctx: Context, source_id: str) -> None:
    """Start a run and wait for its counts."""
    show(ctx.client.runs.create(source_id), ctx.as_json)


@runs.command("changes")
@click.argument("source_id")
@click.argument("run_id")
@LIMIT
@pass_context
def runs_changes(ctx: Context, source_id: str, run_id: str, limit: int) -> None:
    rows = ctx.client.runs.changes(source_id, run_id)
    listing(ctx, rows, limit, ["externalItemId", "change", "contentHash", "missingSince"])


@runs.command("apply")
@click.argument("source_id")
@click.argument("run_id")
@pass_context
def runs_apply(ctx: Context, source_id: str, run_id: str) -> None:
    """Apply a run and wait until it is published."""
    show(ctx.client.runs.apply(source_id, run_id), ctx.as_json)


@runs.command("publish")
@click.argument("source_id")
@pass_context
def runs_publish(ctx: Context, source_id: str) -> None:
    """Run, then apply: publish everything staged."""
    published = ctx.client.publish(source_id)
    show({"run": published.run, "apply": published.applied}, ctx.as_json)


@cli.group()
def generations() -> None:
    """Generations: what a source serves, and rollback."""


@generations.command("list")
@click.argument("source_id")
@LIMIT
@pass_context
def generations_list(ctx: Context, source_id: str, limit: int) -> None:
    rows = ctx.client.generations.iter(source_id)
    listing(ctx, rows, limit, ["id", "status", "current", "counts", "createdAt"])


@generations.command("get")
@click.argument("source_id")
@click.argument("generation_id")
@pass_context
def generations_get(ctx: Context, source_id: str, generation_id: str) -> None:
    show(ctx.client.generations.get(source_id, generation_id), ctx.as_json)


@generations.command("rollback")
@click.argument("source_id")
@click.argument("generation_id")
@pass_context
def generations_rollback(ctx: Context, source_id: str, generation_id: str) -> None:
    show(ctx.client.generations.rollback(source_id, generation_id), ctx.as_json)


@cli.group()
def files() -> None:
    """Uploaded documents (they become items)."""


@files.command("upload")
@click.argument("source_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "external_item_id", help="The item's id (else the file name).")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait until it is processed.")
@pass_context
def files_upload(ctx: Context, source_id: str, path: Path, external_item_id: str | None, wait: bool) -> None:
    record = ctx.client.files.upload(source_id, path, external_item_id=external_item_id)
    show(ctx.client.files.wait(source_id, record.id) if wait else record, ctx.as_json)


@files.command("list")
@click.argument("source_id")
@LIMIT
@pass_context
def files_list(ctx: Context, source_id: str, limit: int) -> None:
    rows = ctx.client.files.iter(source_id)
    listing(ctx, rows, limit, ["id", "filename", "externalItemId", "status", "size", "createdAt"])


@cli.group()
def keys() -> None:
    """API keys (an admin key)."""


@keys.command("list")
@LIMIT
@pass_context
def keys_list(ctx: Context, limit: int) -> None:
    listing(ctx, ctx.client.keys.iter(), limit, ["id", "name", "scope", "status", "expiresAt", "createdAt"])


@keys.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), default="read", show_default=True)
@click.option("--expires-at", help="ISO-8601 date-time.")
@click.option("--rate-limit", type=int, help="Requests per minute.")
@pass_context
def keys_create(ctx: Context, name: str, scope: str, expires_at: str | None, rate_limit: int | None) -> None:
    """Create a key; its secret is printed once."""
    created = ctx.client.keys.create(name, scope, expires_at=expires_at, rate_limit_per_minute=rate_limit)
    emit_json(created) if ctx.as_json else console.print(created.secret)


@keys.command("rotate")
@click.argument("key_id")
@click.option("--overlap-seconds", type=int)
@pass_context
def keys_rotate(ctx: Context, key_id: str, overlap_seconds: int | None) -> None:
    rotated = ctx.client.keys.rotate(key_id, overlap_seconds=overlap_seconds)
    emit_json(rotated) if ctx.as_json else console.print(rotated.secret)


@keys.command("revoke")
@click.argument("key_id")
@pass_context
def keys_revoke(ctx: Context, key_id: str) -> None:
    show(ctx.client.keys.revoke(key_id), ctx.as_json)


@cli.group()
def webhooks() -> None:
    """Webhook subscriptions (an admin key), and a local receiver."""


@webhooks.command("list")
@LIMIT
@pass_context
def webhooks_list(ctx: Context, limit: int) -> None:
    listing(ctx, ctx.client.webhooks.iter(), limit, ["id", "url", "events", "enabled", "description"])


@webhooks.command("create")
@click.argument("url")
@click.option("--event", "events", multiple=True, default=["*"], show_default=True, help="Type, family.* or *.")
@click.option("--description")
@pass_context
def webhooks_create(ctx: Context, url: str, events: tuple[str, ...], description: str | None) -> None:
    """Subscribe URL; the signing secret is printed once."""
    created = ctx.client.webhooks.create(url, list(events), description=description)
    if ctx.as_json:
        emit_json(created)
    else:
        console.print(f"{created.webhook.id} {created.secret}")


@webhooks.command("delete")
@click.argument("webhook_id")
@pass_context
def webhooks_delete(ctx: Context, webhook_id: str) -> None:
    show(ctx.client.webhooks.delete(webhook_id), ctx.as_json)


@webhooks.command("test")
@click.argument("webhook_id")
@pass_context
def webhooks_test(ctx: Context, webhook_id: str) -> None:
    show(ctx.client.webhooks.test(webhook_id), ctx.as_json)


@webhooks.command("deliveries")
@click.argument("webhook_id")
@click.option("--status", type=click.Choice(["pending", "succeeded", "failed"]))
@LIMIT
@pass_context
def webhooks_deliveries(ctx: Context, webhook_id: str, status: str | None, limit: int) -> None:
    rows = ctx.client.webhooks.deliveries(webhook_id, status=status)
    listing(ctx, rows, limit, ["id", "status", "createdAt", "updatedAt"])


@webhooks.command("redeliver")
@click.argument("webhook_id")
@click.argument("delivery_id")
@pass_context
def webhooks_redeliver(ctx: Context, webhook_id: str, delivery_id: str) -> None:
    show(ctx.client.webhooks.redeliver(webhook_id, delivery_id), ctx.as_json)
