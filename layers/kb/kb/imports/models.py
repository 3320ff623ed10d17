"""Bulk imports: a JSON-lines object uploaded through a presigned URL, read slice by slice by a
state machine into the staging set (upserts) or into a snapshot (the full set)."""

from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel, RequestModel

# One presigned PUT carries at most 5 GB (S3's single-request limit).
MAX_IMPORT_BYTES = 5 * 1024**3
# A line is one item (at most 1 MiB as POST .../items takes it) plus room for its JSON escapes.
MAX_LINE_BYTES = 2 * 1024 * 1024
# Rejections kept on the import with their line and reason; all of them are counted.
MAX_KEPT_REJECTIONS = 100
# A presigned upload URL is valid this long.
UPLOAD_URL_SECONDS = 3600

ImportMode = Literal["upsert", "snapshot"]
ImportStatus = Literal["created", "running", "succeeded", "failed", "cancelled"]


class CreateImportRequest(RequestModel):
    mode: ImportMode = Field(
        default="upsert",
        description="upsert: each line is staged as POST .../items would; snapshot: the file is the source's "
        "full set, and what it lacks goes missing (as a snapshot commit)",
    )
    allow_mass_deletion: bool = Field(
        default=False, description="snapshot mode: commit even past the source's massDeletionThreshold"
    )


class Rejection(ApiModel):
    line: int
    code: Literal["invalid_json", "invalid_item", "duplicate_id"]
    reason: str


class ImportProgress(ApiModel):
    bytes_total: int = 0
    bytes_read: int = 0
    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0


class ImportCounts(ApiModel):
    """What accepted lines did to the staging set (a snapshot's counts include `missing`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    restored: int = 0
    missing: int = 0


class ImportJob(RecordModel):
    id: str
    source_id: str
    tenant_id: str
    mode: ImportMode
    allow_mass_deletion: bool = False
    status: ImportStatus
    progress: ImportProgress = ImportProgress()
    counts: ImportCounts = ImportCounts()
    rejections: list[Rejection] = Field(
        default=[], description=f"The first {MAX_KEPT_REJECTIONS} rejected lines; progress.rejected counts all"
    )
    snapshot_id: str | None = None
    created_at: str
    started_at: str | None = None
    completed_at: str | None = None
    error: str | None = None
    error_code: str | None = None
    # The object's key: the caller sees only the upload URL.
    object_key: str = Field(exclude=True)


class Upload(ApiModel):
    url: str
    method: Literal["PUT"] = "PUT"
    expires_at: str
    max_bytes: int = MAX_IMPORT_BYTES


class ImportEnvelope(ApiModel):
    import_: ImportJob = Field(alias="import")
    upload: Upload | None = None


class ImportPage(ApiModel):
    imports: list[ImportJob]
    next_cursor: str | None = None


class ImportTask(ApiModel):
    """The state machine's state between slices: small and of fixed size (far under 256 KB)."""

    tenant_id: str
    source_id: str
    import_id: str
    offset: int = 0
    line: int = 1
    done: bool = False
    cancelled: bool = False
