import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from kb.autopublish.models import ItemPublication
from kb.files.models import DocumentSection
from kb.models import ApiModel, RecordModel, RequestModel

MetadataScalar = str | int | float | bool
# A metadata value is one scalar or a list of them (matched by the contains operators, docs/search.md).
MetadataValue = MetadataScalar | list[MetadataScalar]
ItemState = Literal["active", "missing", "deleted"]


@dataclass(frozen=True)
class ItemVersion:
    """What a run compares of a staged item: its state and content hash (a projected read)."""

    state: str
    content_hash: str
    missing_since: str | None = None


MAX_BATCH_OPERATIONS = 1000
# Limits, checked before anything is written (docs/api.md lists them). Content has no limit of its
# own beyond the request's (over 100 KiB it is kept in S3); everything else lives in one DynamoDB
# record (400 KB), so the other fields together are bounded well below that.
# The id is part of sort keys, which DynamoDB caps at 1,024 bytes: 250 characters of at most 4
# bytes each always fit with their prefix, so the byte bound never refuses what the schema allows.
MAX_ID_CHARS = 250
MAX_ID_BYTES = 1000
MAX_TITLE_CHARS = 1000
MAX_URL_CHARS = 2048
MAX_TAGS = 100
MAX_TAG_CHARS = 256
MAX_METADATA_KEYS = 100
MAX_METADATA_KEY_CHARS = 128
MAX_METADATA_STRING_CHARS = 4096
MAX_METADATA_LIST_ITEMS = 100
MAX_FIELDS_BYTES = 64 * 1024  # title, url, tags, metadata and language together, as UTF-8 JSON
# No control characters; "/" would make the item unreachable at /items/{externalItemId} behind
# gateways that decode %2F, and "." and ".." are path segments, not names.
EXTERNAL_ID_PATTERN = r"^[^\x00-\x1f\x7f/]+$"
PATH_SEGMENTS = (".", "..")
Tag = Annotated[str, Field(min_length=1, max_length=MAX_TAG_CHARS)]


# What DynamoDB holds exactly, as JSON Schema: named keys; strings up to a bound; integers of at
# most 38 digits; other numbers finite, 0 or between 1e-130 and 1e126 in magnitude.
_METADATA_SCALARS: list[dict] = [
    {"type": "string", "maxLength": MAX_METADATA_STRING_CHARS},
    {"type": "integer", "minimum": -(10**38) + 1, "maximum": 10**38 - 1},
    {
        "type": "number",
        "exclusiveMinimum": -1e126,
        "exclusiveMaximum": 1e126,
        "not": {"allOf": [{"exclusiveMinimum": -1e-130}, {"exclusiveMaximum": 1e-130}, {"not": {"const": 0}}]},
    },
    {"type": "boolean"},
]
_METADATA_SCHEMA: dict = {
    "propertyNames": {"minLength": 1, "maxLength": MAX_METADATA_KEY_CHARS},
    "additionalProperties": {
        "anyOf": [
            *_METADATA_SCALARS,
            {"type": "array", "maxItems": MAX_METADATA_LIST_ITEMS, "items": {"anyOf": _METADATA_SCALARS}},
        ]
    },
}


class ItemFields(RequestModel):
    external_item_id: str = Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=EXTERNAL_ID_PATTERN,
        json_schema_extra={"not": {"enum": list(PATH_SEGMENTS)}},
    )
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    content: str = Field(min_length=1)
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    metadata: dict[str, MetadataValue] = Field(
        default_factory=dict, max_length=MAX_METADATA_KEYS, json_schema_extra=_METADATA_SCHEMA
    )
    language: str | None = Field(default=None, max_length=35)

    def content_hash(self) -> str:
        """Hash of everything that ends up in the knowledge base, so any change is a change."""
        body = self.model_dump(mode="json", by_alias=True, exclude={"external_item_id"})
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def storable_id(external_item_id: str) -> bool:
    """Whether an id can be part of a key at all (an id refused at write time was never stored)."""
    try:
        return len(external_item_id.encode()) <= MAX_ID_BYTES
    except UnicodeEncodeError:
        return False


def _check_scalar(key: str, value: MetadataScalar) -> None:
    if isinstance(value, str) and len(value) > MAX_METADATA_STRING_CHARS:
        raise ValueError(f"{key}: string values must be at most {MAX_METADATA_STRING_CHARS} characters")
    out_of_range = not math.isfinite(value) or not 1e-130 <= abs(value) < 1e126 if isinstance(value, float) else False
    if out_of_range and value != 0:
        raise ValueError(f"{key}: numbers must be finite, between 1e-130 and 1e126 in magnitude")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**38:
        raise ValueError(f"{key}: integers must have at most 38 digits")


def _require_utf8(text: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode (no lone surrogates)") from error


class UpsertItemRequest(ItemFields):
    """An item as written: every limit is checked before anything is stored. Besides each field's own
    limit, title, url, tags, metadata and language together are at most 64 KiB as UTF-8 JSON."""

    @field_validator("metadata")
    @classmethod
    def _storable_metadata(cls, metadata: dict[str, MetadataValue]) -> dict[str, MetadataValue]:
        """Values DynamoDB can hold exactly: named keys, finite numbers within its range, lists of
        scalars (not of lists) of at most MAX_METADATA_LIST_ITEMS."""
        for key, value in metadata.items():
            if not 1 <= len(key) <= MAX_METADATA_KEY_CHARS:
                raise ValueError(f"keys must be 1 to {MAX_METADATA_KEY_CHARS} characters")
            if isinstance(value, list) and len(value) > MAX_METADATA_LIST_ITEMS:
                raise ValueError(f"{key}: lists must have at most {MAX_METADATA_LIST_ITEMS} values")
            for scalar in value if isinstance(value, list) else [value]:
                _check_scalar(key, scalar)
        return metadata

    @field_validator("external_item_id")
    @classmethod
    def _encodable_id(cls, external_item_id: str) -> str:
        if external_item_id in PATH_SEGMENTS:
            raise ValueError('"." and ".." are path segments, not ids')
        _require_utf8(external_item_id)
        if len(external_item_id.encode()) > MAX_ID_BYTES:
            raise ValueError(f"must be at most {MAX_ID_BYTES} bytes as UTF-8")
        return external_item_id

    @model_validator(mode="after")
    def _fits_one_record(self) -> Self:
        """Lone surrogates cannot be stored; the non-content fields must fit one record together."""
        fields = self.model_dump(mode="json", include={"title", "url", "tags", "metadata", "language"})
        encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        _require_utf8(encoded)
        _require_utf8(self.content)
        if len(encoded.encode()) > MAX_FIELDS_BYTES:
            raise ValueError(
                f"title, url, tags, metadata and language together must be at most {MAX_FIELDS_BYTES // 1024} KiB"
            )
        return self


class StagedItem(ItemFields, RecordModel):
    """An item of the staging set. `missing` = absent from the last committed snapshot (a
    tombstone once applied); `deleted` = deleted explicitly (kept so the next run sees it)."""

    model_config = ConfigDict(extra="ignore")

    # Stored records stay readable whatever rules applied when they were written.
    external_item_id: str
    tags: list[str] = Field(default_factory=list)
    source_id: str
    content_hash_value: str = Field(alias="contentHash")
    state: ItemState = "active"
    missing_since: str | None = None
    created_at: str
    updated_at: str
    # Set when the content is kept in S3 (and `content` is then not loaded until asked for).
    content_ref: str | None = Field(default=None, exclude=True)
    # Incremented by every write (1 when created; 0 for a record older than versions); each
    # write is conditioned on the version it read.
    version: int = 0
    # Where each stretch of the content came from, for items extracted from an uploaded file
    # (pages, heading paths); empty for items pushed as JSON. Part of the content hash.
    sections: list[DocumentSection] = Field(default_factory=list)
    # Set when the sections are kept in S3 (big ones; `sections` is then empty until loaded).
    sections_ref: str | None = Field(default=None, exclude=True)
    # The content's UTF-8 bytes, as counted against the tenant's quota (kb.quotas); None in
    # records written before quotas.
    stored_bytes: int | None = Field(default=None, exclude=True)


class ItemSummary(ApiModel):
    external_item_id: str
    title: str
    url: str | None = None
    tags: list[str] = Field(default_factory=list)
    content_hash: str
    state: ItemState
    version: int
    missing_since: str | None = None
    updated_at: str


_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?$")


def _iso_only(value: object) -> object:
    """pydantic also reads numbers as Unix times; a date-time parameter takes ISO-8601 only."""
    if isinstance(value, str) and not _ISO_DATE_TIME.match(value):
        raise ValueError("must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only), WithJsonSchema({"type": "string", "format": "date-time"})]


class ItemFilter(ApiModel):
    """What a listing of items keeps: every given condition must hold (deleted items never)."""

    tags: list[str] = Field(default_factory=list)  # the item carries every one of them
    state: Literal["active", "missing"] | None = None
    updated_since: datetime | None = None  # updatedAt at or after
    title_query: str | None = None  # every word appears in the title, case-insensitively

    @field_validator("updated_since")
    @classmethod
    def _aware(cls, moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment

    def accepts(self, item: "StagedItem") -> bool:
        if item.state == "deleted" or (self.state is not None and item.state != self.state):
            return False
        if self.tags and not set(self.tags) <= set(item.tags):
            return False
        if self.updated_since is not None and _instant(item.updated_at) < self.updated_since:
            return False
        if self.title_query:
            title = item.title.casefold()
            return all(word in title for word in self.title_query.casefold().split())
        return True

    def key(self) -> str:
        """What a cursor of this listing is bound to."""
        return self.model_dump_json()


def _instant(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ItemUpsertResult(ApiModel):
    item: StagedItem
    outcome: Literal["created", "updated", "unchanged", "restored"]


class ItemEnvelope(ApiModel):
    item: StagedItem
    # Where the item stands (docs/api.md, "Publishing without an apply"); GET item only.
    publication: ItemPublication | None = None


class ItemPage(ApiModel):
    items: list[ItemSummary]
    next_cursor: str | None = None


class BatchRequest(RequestModel):
    """Items are validated one by one (see the endpoint): one bad item does not sink the batch.
    At least one upsert or delete, and at most 1000 of them together."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["items"], "properties": {"items": {"minItems": 1}}},
                {"required": ["deletes"], "properties": {"deletes": {"minItems": 1}}},
            ]
        }
    )

    items: list[dict] = Field(default_factory=list, max_length=MAX_BATCH_OPERATIONS)
    deletes: list[str] = Field(default_factory=list, max_length=MAX_BATCH_OPERATIONS)

    @model_validator(mode="after")
    def _some_operations(self) -> Self:
        if not self.items and not self.deletes:
            raise ValueError("give at least one item or delete")
        if len(self.items) + len(self.deletes) > MAX_BATCH_OPERATIONS:
            raise ValueError(f"at most {MAX_BATCH_OPERATIONS} upserts and deletes together")
        return self


class BatchItemResult(ApiModel):
    index: int
    external_item_id: str | None = None
    operation: Literal["upsert", "delete"]
    outcome: Literal["created", "updated", "unchanged", "restored", "deleted", "not_found", "invalid", "failed"]
    error: str | None = None


class BatchResult(ApiModel):
    results: list[BatchItemResult]
    succeeded: int
    failed: int
