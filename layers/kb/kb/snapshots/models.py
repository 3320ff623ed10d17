from typing import Literal

from pydantic import Field

from kb.items.models import MAX_BATCH_OPERATIONS, BatchItemResult
from kb.models import ApiModel, RecordModel, RequestModel


class SnapshotCounts(ApiModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = 0
    missing: int = 0


class Snapshot(RecordModel):
    id: str
    source_id: str
    tenant_id: str
    status: Literal["open", "committing", "committed", "aborted"]
    created_at: str
    closed_at: str | None = None
    counts: SnapshotCounts | None = None


class SnapshotEnvelope(ApiModel):
    snapshot: Snapshot


class SnapshotPageRequest(RequestModel):
    items: list[dict] = Field(min_length=1, max_length=MAX_BATCH_OPERATIONS)


class CommitSnapshotRequest(RequestModel):
    allow_mass_deletion: bool = Field(
        default=False, description="Commit even if more than the source's massDeletionThreshold would go missing"
    )


class SnapshotPageResult(ApiModel):
    results: list[BatchItemResult]
    accepted: int
    failed: int
