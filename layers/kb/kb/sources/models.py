from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel, RequestModel


class Source(RecordModel):
    id: str
    tenant_id: str
    name: str
    type: Literal["developer_api"] = "developer_api"
    grace_days: int
    status: Literal["active", "archived"] = "active"
    current_generation_id: str | None = None
    created_at: str


class CreateSourceRequest(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    grace_days: int = Field(default=7, ge=0, le=365)


class SourceEnvelope(ApiModel):
    source: Source


class SourcePage(ApiModel):
    sources: list[Source]
    next_cursor: str | None = None
