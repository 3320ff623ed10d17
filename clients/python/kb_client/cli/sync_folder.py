"""The work of `kb sync` (folder.py decides what to send; this sends it and publishes)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import Client
from .. import models as m
from .folder import LocalFile, Plan, item_body, load_state, plan, save_state, scan


@dataclass
class SyncSummary:
    source_id: str
    mode: str
    scanned: int
    sent_items: int
    sent_files: int
    outcomes: dict[str, int]
    gone: list[str]
    failures: list[dict[str, Any]] = field(default_factory=list)
    snapshot: dict[str, Any] | None = None
    run: m.Run | None = None
    applied: m.ApplyResult | None = None


def sync_folder(
    client: Client,
    folder: Path,
    source_id: str,
    *,
    snapshot: bool,
    state_path: Path,
    batch_size: int,
    publish: bool,
    allow_mass_deletion: bool,
    url_prefix: str | None,
    show_progress: bool,
) -> SyncSummary:
    previous = load_state(state_path, client.base_url, source_id)
    work = plan(scan(folder), previous, snapshot)
    texts, documents = work.changed_of("item"), work.changed_of("file")
    by_id = {f.item_id: f for f in work.files}
    state = {f.relative: f.sha256 for f in work.files if previous.get(f.relative) == f.sha256}
    summary = SyncSummary(
        source_id, "snapshot" if snapshot else "upsert", len(work.files), len(texts), len(documents), {}, work.gone
    )
    if snapshot and documents and not allow_mass_deletion:
        allow_mass_deletion = _only_documents_would_trip(client, source_id, work)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show_progress,
    ) as progress:
        task = progress.add_task("sending", total=len(texts) + len(documents))
        report = client.sync(
            source_id,
            (item_body(f, url_prefix) for f in texts),
            mode=summary.mode,  # type: ignore[arg-type]
            batch_size=batch_size,
            allow_mass_deletion=allow_mass_deletion,
            on_batch=lambda n: progress.advance(task, n),
        )
        for item_id in report.staged:
            state[by_id[item_id].relative] = by_id[item_id].sha256
        summary.outcomes = dict(report.outcomes)
        summary.failures = [r.model_dump(mode="json", by_alias=True) for r in report.failures]
        if report.snapshot is not None:
            summary.snapshot = report.snapshot.model_dump(mode="json", by_alias=True)
        progress.update(task, description="uploading files")
        uploaded: list[tuple[LocalFile, m.FileRecord]] = []
        for local in documents:
            record = client.files.upload(
                source_id, local.path, content_type=local.content_type, external_item_id=local.item_id
            )
            uploaded.append((local, record))
            progress.advance(task)
        progress.update(task, description="processing files")
        for local, record in uploaded:
            done = client.files.wait(source_id, record.id)
            outcome = done.result.outcome if done.status == "completed" and done.result else "failed"
            summary.outcomes[f"file {outcome}"] = summary.outcomes.get(f"file {outcome}", 0) + 1
            if done.status == "completed":
                state[local.relative] = local.sha256
            else:
                summary.failures.append({"externalItemId": local.item_id, "error": done.error and done.error.code})
    # Written before publishing: what is staged stays staged even if the publish fails.
    save_state(state_path, client.base_url, source_id, state)
    if publish:
        published = client.publish(source_id)
        summary.run, summary.applied = published.run, published.applied
    return summary


def _only_documents_would_trip(client: Client, source_id: str, work: Plan) -> bool:
    """A snapshot's commit counts the documents (uploaded again right after it) as missing, which
    can trip the mass-deletion guard on its own. Allow the commit only if the items that really
    leave (not in the folder at all) stay within the source's threshold."""
    source = client.sources.get(source_id)
    active = [item.external_item_id for item in client.items.iter(source_id, state="active", limit=100)]
    present = {f.item_id for f in work.files}
    leaving = [item_id for item_id in active if item_id not in present]
    threshold = 50 if source.mass_deletion_threshold is None else source.mass_deletion_threshold
    return not active or len(leaving) * 100 <= threshold * len(active)
