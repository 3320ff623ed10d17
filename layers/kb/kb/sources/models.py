from typing import Literal

from pydantic import Field, model_validator

from kb.models import ApiModel, RecordModel, RequestModel


class ApplyLease(ApiModel):
    owner: str
    expires_at: str


class Source(RecordModel):
    id: str
    tenant_id: str
    name: str
    type: Literal["developer_api"] = "developer_api"
    grace_days: int
    status: Literal["active", "archived"] = "active"
    current_generation_id: str | None = None
    open_snapshot_id: str | None = None
    created_at: str
    updated_at: str | None = None
    archived_at: str | None = None
    # Every staging write is tagged with the current epoch; a run closes the epoch it reads.
    staging_epoch: int = Field(default=1, exclude=True)
    apply_lease: ApplyLease | None = Field(default=None, exclude=True)


class CreateSourceRequest(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    grace_days: int = Field(default=7, ge=0, le=365)


class UpdateSourceRequest(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    grace_days: int | None = Field(default=None, ge=0, le=365)

    @model_validator(mode="after")
    def _something_to_change(self) -> "UpdateSourceRequest":
        if self.name is None and self.grace_days is None:
            raise ValueError("give name and/or graceDays")
        return self


class SourceEnvelope(ApiModel):
    source: Source


class SourcePage(ApiModel):
    sources: list[Source]
    next_cursor: str | None = None
