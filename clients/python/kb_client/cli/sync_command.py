"""`kb sync DIR --source ID`: push what changed in a folder, then run and apply."""

from pathlib import Path

import click

from . import Context, cli, pass_context
from .folder import default_state_path
from .output import console, emit_json
from .sync_folder import SyncSummary, sync_folder


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--source", "-s", "source_id", required=True, envvar="KB_SOURCE", help="The source to sync into.")
@click.option("--snapshot", is_flag=True, help="The source becomes exactly the folder: files gone become tombstones.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path), help="The state file.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 1000), help="Items per request.")
@click.option("--no-publish", is_flag=True, help="Stage only: no run, no apply.")
@click.option("--allow-mass-deletion", is_flag=True, help="Commit a snapshot past the mass-deletion guard.")
@click.option("--url-prefix", help="Give each item the URL <prefix>/<path under the folder>.")
@pass_context
def sync(
    ctx: Context,
    folder: Path,
    source_id: str,
    snapshot: bool,
    state_path: Path | None,
    batch_size: int,
    no_publish: bool,
    allow_mass_deletion: bool,
    url_prefix: str | None,
) -> None:
    """Sync FOLDER's Markdown, text, HTML, PDF and DOCX files into a source.

    Only files new or changed since the last sync are sent (their SHA-256 is kept in the state
    file); then the source is run and applied, and the counts printed. Without --snapshot, files
    gone from the folder are reported and left in the source.
    """
    client = ctx.client
    summary = sync_folder(
        client,
        folder,
        source_id,
        snapshot=snapshot,
        state_path=state_path or default_state_path(client.base_url, source_id, folder),
        batch_size=batch_size,
        publish=not no_publish,
        allow_mass_deletion=allow_mass_deletion,
        url_prefix=url_prefix,
        show_progress=not ctx.as_json and console.is_terminal,
    )
    if ctx.as_json:
        emit_json(_as_dict(summary))
    else:
        _print(summary)
    if summary.failures:
        raise SystemExit(1)


def _as_dict(summary: SyncSummary) -> dict[str, object]:
    return {
        "sourceId": summary.source_id,
        "mode": summary.mode,
        "scanned": summary.scanned,
        "sent": {"items": summary.sent_items, "files": summary.sent_files},
        "outcomes": summary.outcomes,
        "gone": summary.gone,
        "failures": summary.failures,
        "snapshot": summary.snapshot,
        "run": summary.run,
        "apply": summary.applied,
    }


def _print(summary: SyncSummary) -> None:
    console.print(
        f"{summary.scanned} files; sent {summary.sent_items} items and {summary.sent_files} files"
        f" ({', '.join(f'{n} {k}' for k, n in sorted(summary.outcomes.items())) or 'nothing changed'})"
    )
    if summary.gone and summary.mode == "upsert":
        console.print(
            f"{len(summary.gone)} files gone from the folder were left in the source (--snapshot tombstones them)"
        )
    if summary.snapshot:
        console.print(f"snapshot committed: {summary.snapshot.get('counts')}")
    for failure in summary.failures:
        console.print(f"[red]failed[/red] {failure.get('externalItemId')}: {failure.get('error')}")
    if summary.run is not None and summary.applied is not None:
        counts = summary.run.counts.model_dump() if summary.run.counts else {}
        console.print(f"run {summary.run.id}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        console.print(f"{summary.applied.status}: generation {summary.applied.generation_id}")
