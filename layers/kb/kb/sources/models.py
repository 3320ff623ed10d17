from typing import Annotated, Literal

from pydantic import ConfigDict, Field, computed_field, model_validator

from kb.models import ApiModel, IntegralNumber, JsonInt, PatchRequest, RecordModel, RequestModel

DEFAULT_MASS_DELETION_THRESHOLD = 50


class ApplyLease(ApiModel):
    owner: str
    expires_at: str


class Chunking(ApiModel):
    """How a source's items are cut into chunks. Changing it (PATCH) means re-chunking everything,
    which a rebuild does (POST /v1/train, docs/training.md), never an incremental apply. overlap
    must be at most half of size."""

    # Part of a request body: JSON types as declared (a stored source holds these same ints).
    model_config = ConfigDict(strict=True)

    size: JsonInt = Field(default=1000, ge=200, le=8000, description="Most characters in a chunk")
    overlap: JsonInt = Field(default=100, ge=0, le=1000, description="Characters a chunk repeats from the previous one")

    @model_validator(mode="after")
    def _overlap_smaller_than_size(self) -> "Chunking":
        if self.overlap * 2 > self.size:
            raise ValueError("overlap must be at most half of size")
        return self


_LANGUAGE_PATTERN = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"


class BuildSettings(ApiModel):
    """What a build cuts and analyses items with, snapshotted by the run that plans it (so a PATCH
    during a build cannot split one generation between two settings). `version` is the source's
    settingsVersion: a generation built with another version cannot take an incremental apply."""

    chunking: Chunking
    language: str | None = None
    version: int = 1


# An auto-publishing source's debounce: SQS delays messages by up to 15 minutes.
MAX_PUBLISH_DELAY_SECONDS = 900


class Publishing(ApiModel):
    """How a source's staged changes reach search. manual: a client runs and applies (as always).
    auto: `delaySeconds` after the first change of a quiet source, the source runs and applies by
    itself; changes arriving meanwhile are folded into the same build (docs/api.md)."""

    model_config = ConfigDict(strict=True)

    mode: Literal["manual", "auto"] = "manual"
    delay_seconds: JsonInt = Field(
        default=60,
        ge=0,
        le=MAX_PUBLISH_DELAY_SECONDS,
        description="Seconds between the first unpublished change and the build (auto only)",
    )


class PublishFailure(ApiModel):
    """The last automatic publish that gave up (cleared by the next one that succeeds)."""

    code: str
    reason: str
    attempts: int
    at: str


class Source(RecordModel):
    id: str
    tenant_id: str
    name: str
    type: Literal["developer_api"] = "developer_api"
    grace_days: int
    chunking: Chunking = Field(default_factory=Chunking)
    language: str | None = None  # the items' language when they give none (kb.search.languages)
    # Bumped by every PATCH that changes chunking or language: what a build's settings are checked by.
    settings_version: int = 1
    # A snapshot commit that would tombstone more than this percentage of the active items is
    # refused (409 mass_deletion) unless the commit opts in; 100 turns the guard off.
    mass_deletion_threshold: int = DEFAULT_MASS_DELETION_THRESHOLD
    status: Literal["active", "archived"] = "active"
    current_generation_id: str | None = None
    open_snapshot_id: str | None = None
    created_at: str
    updated_at: str | None = None
    archived_at: str | None = None
    # Every staging write is tagged with the current epoch; a run closes the epoch it reads.
    staging_epoch: int = Field(default=1, exclude=True)
    apply_lease: ApplyLease | None = Field(default=None, exclude=True)
    publishing: Publishing = Field(default_factory=Publishing)
    publish_failure: PublishFailure | None = None
    # Auto-publishing's own state (kb.autopublish): the open debounce window (its token as owner)
    # and the worker building one, each with an expiry, so a lost message or a dead worker cannot
    # hold the source for ever; failures since the last successful automatic publish.
    publish_window: ApplyLease | None = Field(default=None, exclude=True)
    publish_due_at: str | None = Field(default=None, exclude=True)  # when the open window's build is due
    publish_worker: ApplyLease | None = Field(default=None, exclude=True)
    publish_failures: int = Field(default=0, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def publish_pending(self) -> bool:
        """Staged changes wait for an automatic publish that has not started yet."""
        return self.publish_window is not None


_THRESHOLD_DESCRIPTION = "Percent of active items a snapshot commit may tombstone without opting in (100: no guard)"


class CreateSourceRequest(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    grace_days: JsonInt = Field(default=7, ge=0, le=365)
    chunking: Chunking = Field(default_factory=Chunking)
    language: str | None = Field(
        default=None,
        max_length=35,
        pattern=_LANGUAGE_PATTERN,
        description="The language (BCP 47) of items that do not give one; default: detected per item. "
        "Changed by PATCH, like chunking, it takes effect through a rebuild (POST /v1/train)",
    )
    mass_deletion_threshold: JsonInt = Field(
        default=DEFAULT_MASS_DELETION_THRESHOLD, ge=0, le=100, description=_THRESHOLD_DESCRIPTION
    )
    publishing: Publishing = Field(default_factory=Publishing)


class UpdateSourceRequest(PatchRequest):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    grace_days: Annotated[int, Field(ge=0, le=365), IntegralNumber] | None = None
    mass_deletion_threshold: Annotated[int, Field(ge=0, le=100), IntegralNumber] | None = Field(
        default=None, description=_THRESHOLD_DESCRIPTION
    )
    # Replaced whole: {"mode": "auto"} means the default delay, not the delay set before.
    publishing: Publishing | None = None
    # Settings of the build: a change bumps settingsVersion, and only a rebuild applies after it.
    chunking: Chunking | None = Field(
        default=None, description="New chunking; takes effect through a rebuild (POST /v1/train, mode rebuild)"
    )
    language: str | None = Field(
        default=None,
        max_length=35,
        pattern=_LANGUAGE_PATTERN,
        description="New default language (BCP 47); takes effect through a rebuild (POST /v1/train, mode rebuild)",
    )

    def build_settings_of(self, source: "Source") -> dict[str, object]:
        """The fields of this patch that change how the source's items are built (empty: none)."""
        changed: dict[str, object] = {}
        if self.chunking is not None and self.chunking != source.chunking:
            changed["chunking"] = self.chunking.to_json_dict()
        if self.language is not None and self.language != source.language:
            changed["language"] = self.language
        return changed


class SourceEnvelope(ApiModel):
    source: Source


class SourcePage(ApiModel):
    sources: list[Source]
    next_cursor: str | None = None
