"""`kb train start|status|jobs|cancel`: training jobs (docs/training.md)."""

from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from .. import models as m
from . import Context, cli, pass_context
from .commands import LIMIT, listing
from .output import emit_json, errors, show

# A job that ends `failed` or `cancelled` is the command's failure too, for scripts that chain it.
FAILED_EXIT = 2


@cli.group()
def train() -> None:
    """Training jobs: bring sources up to date, or rebuild them, in one job."""


@train.command("start")
@click.argument("source_ids", nargs=-1)
@click.option("--mode", type=click.Choice(["apply", "rebuild"]), default="apply", show_default=True)
@click.option("--gate-metric", type=click.Choice(["ndcg", "recall"]), help="Gate each apply on this metric.")
@click.option("--gate-k", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--max-drop", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="Largest drop allowed.")
@click.option("--wait/--no-wait", default=False, help="Wait for the job to end, showing its progress.")
@pass_context
def train_start(
    ctx: Context,
    source_ids: tuple[str, ...],
    mode: str,
    gate_metric: str | None,
    gate_k: int,
    max_drop: float,
    wait: bool,
) -> None:
    """Start a job over SOURCE_IDS (none: every active source)."""
    gate = {"metric": gate_metric, "k": gate_k, "max_drop": max_drop} if gate_metric else None
    job = ctx.client.training.start(list(source_ids) or None, mode=mode, gate=gate)
    if wait:
        job = _wait(ctx, job)
    emit_json(job) if ctx.as_json else _summary(job)
    if wait and job.status != "completed":
        raise SystemExit(FAILED_EXIT)


@train.command("status")
@click.argument("job_id", required=False)
@click.option("--wait/--no-wait", default=False, help="Wait for the job to end, showing its progress.")
@pass_context
def train_status(ctx: Context, job_id: str | None, wait: bool) -> None:
    """A job (default: the latest) with its progress."""
    job = ctx.client.training.status(job_id)
    if wait:
        job = _wait(ctx, job)
    emit_json(job) if ctx.as_json else _summary(job)


@train.command("jobs")
@LIMIT
@pass_context
def train_jobs(ctx: Context, limit: int) -> None:
    """Training jobs, newest first."""
    listing(ctx, ctx.client.training.iter(), limit, ["id", "mode", "status", "createdAt", "completedAt"])


@train.command("cancel")
@click.argument("job_id", required=False)
@pass_context
def train_cancel(ctx: Context, job_id: str | None) -> None:
    """Ask a job (default: the latest) to stop at its next safe point."""
    show(ctx.client.training.cancel(job_id), ctx.as_json)


def _wait(ctx: Context, job: m.TrainingJob) -> m.TrainingJob:
    """Poll the job until it ends; people see sources and items done of total (on stderr)."""
    if ctx.as_json:
        return ctx.client.training.wait(job.id)
    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=errors, transient=True) as bar:
        sources = bar.add_task("sources", total=None)
        items = bar.add_task("items", total=None)

        def report(current: m.TrainingJob) -> None:
            p = current.progress
            bar.update(sources, completed=p.sources_done or 0, total=p.sources_total or None)
            bar.update(items, completed=p.items_done or 0, total=p.items_total or None)

        return ctx.client.training.wait(job.id, on_progress=report)


def _summary(job: m.TrainingJob) -> None:
    p = job.progress
    click.echo(
        f"{job.id} {job.status} ({job.mode}): sources {p.sources_done}/{p.sources_total}, items {p.items_done}/{p.items_total}"
    )
    for source in job.sources:
        detail = f" {source.error_code}" if source.error_code else ""
        click.echo(f"  {source.source_id} {source.status}{detail} {source.generation_id or ''}".rstrip())
