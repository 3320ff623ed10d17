"""Auto publishing's messages and what an item says about where it stands."""

from typing import Literal

from kb.models import ApiModel


class PublishMessage(ApiModel):
    """One message on the auto-publish queue: build the source's open window `window` (its token),
    or, with `generationId`, look again at a build that outlived the worker's wait."""

    tenant_id: str
    source_id: str
    window: str
    generation_id: str | None = None


class PublishError(ApiModel):
    code: str
    reason: str


class ItemPublication(ApiModel):
    """staged: changed since the serving generation (or never published); published: the serving
    generation `generationId` holds the item as it is staged now; failed: the automatic publish of
    its change gave up (`error`), and it stays unpublished until a later publish succeeds."""

    status: Literal["staged", "published", "failed"]
    generation_id: str | None = None
    error: PublishError | None = None
