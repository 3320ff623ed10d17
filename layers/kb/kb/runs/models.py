from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel

ChangeKind = Literal["created", "updated", "deleted", "tombstoned", "purged", "restored"]


class RunCounts(ApiModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    tombstoned: int = 0
    purged: int = 0
    restored: int = 0


class Run(RecordModel):
    id: str
    source_id: str
    tenant_id: str
    status: Literal["running", "succeeded", "failed"]
    discovery_complete: bool = True
    base_generation_id: str | None = None
    counts: RunCounts = RunCounts()
    created_at: str
    completed_at: str | None = None
    error: str | None = None
    applied_generation_id: str | None = None
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


class RunTask(ApiModel):
    """The input of the run state machine."""

    tenant_id: str
    source_id: str
    run_id: str
