from typing import Literal

from kb.models import ApiModel, RecordModel
from kb.runs.models import RunCounts


class ManifestEntry(ApiModel):
    content_hash: str
    chunks_key: str
    chunk_count: int
    title: str
    url: str | None = None


class Manifest(ApiModel):
    generation_id: str
    tenant_id: str
    source_id: str
    run_id: str
    base_generation_id: str | None
    created_at: str
    items: dict[str, ManifestEntry]


class Chunk(ApiModel):
    id: str
    position: int
    text: str


class ChunkDocument(ApiModel):
    external_item_id: str
    content_hash: str
    title: str
    url: str | None
    tags: list[str]
    metadata: dict[str, str | int | float | bool]
    language: str | None
    chunks: list[Chunk]


class Generation(RecordModel):
    id: str
    source_id: str
    tenant_id: str
    run_id: str
    base_generation_id: str | None = None
    status: Literal["published"] = "published"
    counts: RunCounts
    item_count: int
    chunk_count: int
    manifest_key: str
    created_at: str


class GenerationEnvelope(ApiModel):
    generation: Generation


class ApplyTask(ApiModel):
    """The input of the apply state machine."""

    tenant_id: str
    source_id: str
    run_id: str
    generation_id: str


class BuildResult(ApplyTask):
    item_count: int
    chunk_count: int
    manifest_key: str


class ApplyResult(ApiModel):
    status: Literal["published", "applying"]
    generation_id: str
    counts: RunCounts
