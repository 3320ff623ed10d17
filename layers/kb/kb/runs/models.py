from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel
from kb.sources.models import BuildSettings

ChangeKind = Literal["created", "updated", "deleted", "tombstoned", "purged", "restored"]
# The status of long work a client polls (runs and applies alike): queued until its state machine
# picks it up, running with progress, then succeeded or failed (with an error code).
WorkStatus = Literal["queued", "running", "succeeded", "failed"]


class RunCounts(ApiModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    tombstoned: int = 0
    purged: int = 0
    restored: int = 0

    def changes(self) -> int:
        """How many items the run changes (everything but the unchanged ones)."""
        return self.created + self.updated + self.deleted + self.tombstoned + self.purged + self.restored


class Progress(ApiModel):
    """Counted progress of running work: items (and, for a build, chunks) done of the total."""

    items_done: int = 0
    items_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0


class Run(RecordModel):
    id: str
    source_id: str
    tenant_id: str
    status: WorkStatus
    discovery_complete: bool = True
    base_generation_id: str | None = None
    counts: RunCounts = RunCounts()
    progress: Progress | None = None
    created_at: str
    completed_at: str | None = None
    error: str | None = None
    error_code: str | None = None
    applied_generation_id: str | None = None
    # A rebuild (a training job's): its apply re-chunks, re-embeds and re-indexes every item.
    rebuild: bool = False
    # The source's chunking or language changed since the serving generation was built: this run
    # cannot be applied incrementally (409 rebuild_required); a rebuild applies the change.
    rebuild_required: bool = False
    # The staging epoch this run closed: it saw every change up to and including it.
    staging_epoch: int | None = Field(default=None, exclude=True)


class RunEnvelope(ApiModel):
    run: Run


class RunPage(ApiModel):
    runs: list[Run]
    next_cursor: str | None = None


class ItemChange(ApiModel):
    external_item_id: str
    change: ChangeKind
    content_hash: str | None = None
    missing_since: str | None = None


class ChangePage(ApiModel):
    changes: list[ItemChange]
    next_cursor: str | None = None


class RunPlan(ApiModel):
    run_id: str
    base_generation_id: str | None
    base_epoch: int
    staging_epoch: int
    changes: list[ItemChange]
    # The settings the build cuts and analyses with (None: planned before they were recorded).
    settings: BuildSettings | None = None
    # A rebuild: every item the new generation holds, built afresh (None: an incremental build).
    rebuild_items: list[ItemChange] | None = None


class RunTask(ApiModel):
    """The input of the run state machine."""

    tenant_id: str
    source_id: str
    run_id: str
    rebuild: bool = False
