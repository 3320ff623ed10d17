import hashlib
import json
import math
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from kb.models import ApiModel, RecordModel, RequestModel

MetadataValue = str | int | float | bool
ItemState = Literal["active", "missing", "deleted"]
MAX_BATCH_OPERATIONS = 1000


class ItemFields(RequestModel):
    external_item_id: str = Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f]+$")
    title: str = Field(default="", max_length=1000)
    content: str = Field(min_length=1)
    url: str | None = Field(default=None, max_length=2048)
    tags: list[str] = Field(default_factory=list, max_length=100)
    metadata: dict[str, MetadataValue] = Field(default_factory=dict, max_length=100)
    language: str | None = Field(default=None, max_length=35)

    @field_validator("metadata")
    @classmethod
    def _storable_metadata(cls, metadata: dict[str, MetadataValue]) -> dict[str, MetadataValue]:
        """Flat values DynamoDB can hold exactly: named keys, finite numbers within its range."""
        for key, value in metadata.items():
            if not 1 <= len(key) <= 128:
                raise ValueError("keys must be 1 to 128 characters")
            out_of_range = (
                not math.isfinite(value) or not 1e-130 <= abs(value) < 1e126 if isinstance(value, float) else False
            )
            if out_of_range and value != 0:
                raise ValueError(f"{key}: numbers must be finite, between 1e-130 and 1e126 in magnitude")
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**38:
                raise ValueError(f"{key}: integers must have at most 38 digits")
        return metadata

    def content_hash(self) -> str:
        """Hash of everything that ends up in the knowledge base, so any change is a change."""
        body = self.model_dump(mode="json", by_alias=True, exclude={"external_item_id"})
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class UpsertItemRequest(ItemFields):
    pass


class StagedItem(ItemFields, RecordModel):
    """An item of the staging set. `missing` = absent from the last committed snapshot (a
    tombstone once applied); `deleted` = deleted explicitly (kept so the next run sees it)."""

    model_config = ConfigDict(extra="ignore")

    source_id: str
    content_hash_value: str = Field(alias="contentHash")
    state: ItemState = "active"
    missing_since: str | None = None
    created_at: str
    updated_at: str
    content_ref: str | None = Field(default=None, exclude=True)


class ItemSummary(ApiModel):
    external_item_id: str
    title: str
    url: str | None = None
    content_hash: str
    state: ItemState
    missing_since: str | None = None
    updated_at: str


class ItemUpsertResult(ApiModel):
    item: StagedItem
    outcome: Literal["created", "updated", "unchanged", "restored"]


class ItemEnvelope(ApiModel):
    item: StagedItem


class ItemPage(ApiModel):
    items: list[ItemSummary]
    next_cursor: str | None = None


class BatchRequest(RequestModel):
    """Items are validated one by one (see the endpoint): one bad item does not sink the batch."""

    items: list[dict] = Field(default_factory=list, max_length=MAX_BATCH_OPERATIONS)
    deletes: list[str] = Field(default_factory=list, max_length=MAX_BATCH_OPERATIONS)


class BatchItemResult(ApiModel):
    index: int
    external_item_id: str | None = None
    operation: Literal["upsert", "delete"]
    outcome: Literal["created", "updated", "unchanged", "restored", "deleted", "not_found", "invalid"]
    error: str | None = None


class BatchResult(ApiModel):
    results: list[BatchItemResult]
    succeeded: int
    failed: int
