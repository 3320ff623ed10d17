from typing import Literal

from kb.models import ApiModel, RecordModel

ChangeKind = Literal["created", "updated", "unchanged", "deleted"]


class RunCounts(ApiModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


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


class RunEnvelope(ApiModel):
    run: Run


class ItemChange(ApiModel):
    external_item_id: str
    change: ChangeKind
    content_hash: str | None = None


class RunPlan(ApiModel):
    run_id: str
    base_generation_id: str | None
    changes: list[ItemChange]


class RunTask(ApiModel):
    """The input of the run state machine."""

    tenant_id: str
    source_id: str
    run_id: str
