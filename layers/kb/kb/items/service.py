"""Staging-set operations: upsert, delete, mark missing; one retry loop for all of them."""

import hashlib
import json
from collections.abc import Callable

from pydantic import ValidationError

from kb.errors import NotFound
from kb.files.models import DocumentSection
from kb.ids import iso_now
from kb.items.models import (
    ItemFilter,
    ItemPage,
    ItemSummary,
    ItemUpsertResult,
    StagedItem,
    UpsertItemRequest,
)
from kb.items.repository import ContentGone, ItemRepository, StagingConflict
from kb.observability import count, logger
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import require_active

_MAX_WRITE_ATTEMPTS = 10
# decide(existing) -> (what to write or None, outcome)
Decision = Callable[[StagedItem | None], tuple[StagedItem | None, str]]


def stage(
    items: ItemRepository, sources: SourceRepository, source: Source, external_item_id: str, decide: Decision
) -> tuple[StagedItem | None, str]:
    """Read, decide, write (optimistically: if the item moved, read and decide again), then make
    sure the change is logged in an epoch no run has closed yet."""
    require_active(source)
    for _ in range(_MAX_WRITE_ATTEMPTS):
        existing = items.get(source.id, external_item_id)
        item, outcome = decide(existing)
        if item is None:
            return existing, outcome
        try:
            stored = items.write(source, item, existing)
        except StagingConflict:
            continue
        log_in_open_epoch(items, sources, source, [external_item_id])
        count(f"Items{outcome.capitalize()}")
        notify_staged(items, source)
        return stored, outcome
    raise RuntimeError("the item kept changing under concurrent writers")


def notify_staged(items: ItemRepository, source: Source) -> None:
    """Every staging write path ends here once something was written (single writes, batches,
    snapshot commits, file uploads: all stage through this module or kb.items.batch). The write
    has landed, so a failing listener must not fail it: logged and counted."""
    if items.listener is None:
        return
    try:
        items.listener.staged(source)
    except Exception:  # noqa: BLE001 - the change is staged; a later change or a manual apply publishes it
        logger.exception("scheduling the automatic publish failed", extra={"source_id": source.id})
        count("AutoPublishScheduleFailed")


def log_in_open_epoch(
    items: ItemRepository, sources: SourceRepository, source: Source, external_item_ids: list[str]
) -> None:
    """If a run closed the epoch we logged in before our log landed, it may have missed it: log
    again in the current epoch, until the epoch we logged in is still open after the write."""
    logged = source.staging_epoch
    while True:
        fresh = sources.get(source.tenant_id, source.id)
        if fresh is None or fresh.staging_epoch == logged:
            return
        logged = fresh.staging_epoch
        items.log_changes(source.id, logged, external_item_ids)


def upsert_decision(
    source: Source, request: UpsertItemRequest, sections: list[DocumentSection] | None = None
) -> Decision:
    new_hash = request.content_hash() if not sections else sectioned_hash(request, sections)

    def decide(existing: StagedItem | None) -> tuple[StagedItem | None, str]:
        if existing is not None and existing.state == "active" and existing.content_hash_value == new_hash:
            return None, "unchanged"
        now = iso_now()
        revived = existing is not None and existing.state != "deleted"
        item = StagedItem(
            **request.model_dump(),
            source_id=source.id,
            content_hash_value=new_hash,
            sections=sections or [],
            created_at=existing.created_at if existing and revived else now,
            updated_at=now,
        )
        if existing is None or existing.state == "deleted":
            return item, "created"
        if existing.state == "missing" and existing.content_hash_value == new_hash:
            return item, "restored"
        return item, "updated"

    return decide


def delete_decision(existing: StagedItem | None) -> tuple[StagedItem | None, str]:
    if existing is None or existing.state == "deleted":
        return None, "not_found"
    return existing.model_copy(update={"state": "deleted", "missing_since": None, "updated_at": iso_now()}), "deleted"


def missing_decision(existing: StagedItem | None) -> tuple[StagedItem | None, str]:
    if existing is None or existing.state != "active":
        return None, "unchanged"
    now = iso_now()
    return existing.model_copy(update={"state": "missing", "missing_since": now, "updated_at": now}), "missing"


def sectioned_hash(request: UpsertItemRequest, sections: list[DocumentSection]) -> str:
    """An extracted document's hash covers its sections too: a page break that moved is a change."""
    layout = json.dumps([s.to_json_dict() for s in sections], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.content_hash()}\x00{layout}".encode()).hexdigest()


def upsert_item(
    items: ItemRepository,
    sources: SourceRepository,
    source: Source,
    request: UpsertItemRequest,
    sections: list[DocumentSection] | None = None,
) -> ItemUpsertResult:
    """`sections` are given by the file pipeline only (an API request cannot set them)."""
    decision = upsert_decision(source, request, sections)
    item, outcome = stage(items, sources, source, request.external_item_id, decision)
    assert item is not None
    # The request holds the content and sections: no need to read back what was just offloaded.
    loaded = {"content": request.content, "sections": sections or []}
    return ItemUpsertResult(item=item.model_copy(update=loaded), outcome=outcome)


def delete_item(items: ItemRepository, sources: SourceRepository, source: Source, external_item_id: str) -> None:
    _, outcome = stage(items, sources, source, external_item_id, delete_decision)
    if outcome == "not_found":
        raise NotFound(f"Item {external_item_id} was not found.")


def get_item(items: ItemRepository, source: Source, external_item_id: str) -> StagedItem:
    for _ in range(_MAX_WRITE_ATTEMPTS):
        item = items.get(source.id, external_item_id)
        if item is None or item.state == "deleted":
            raise NotFound(f"Item {external_item_id} was not found.")
        try:
            return items.with_content(item)
        except ContentGone:
            continue  # replaced between our two reads: the newer record names its own content
    raise RuntimeError("the item kept changing under concurrent writers")


def list_items(
    items: ItemRepository, source: Source, limit: int, cursor: str | None, item_filter: ItemFilter | None = None
) -> ItemPage:
    """Active and missing (tombstoned) items that `item_filter` keeps; deleted ones are gone
    from the caller's view. A page holds `limit` items unless the listing ends, or the read
    budget of one request runs out on a sparse filter (then its cursor goes on)."""
    page, next_cursor = items.page_matching(source.tenant_id, source.id, limit, cursor, item_filter or ItemFilter())
    summaries = [
        ItemSummary(
            external_item_id=i.external_item_id,
            title=i.title,
            url=i.url,
            tags=i.tags,
            content_hash=i.content_hash_value,
            state=i.state,
            version=i.version,
            missing_since=i.missing_since,
            updated_at=i.updated_at,
        )
        for i in page
    ]
    return ItemPage(items=summaries, next_cursor=next_cursor)


def validate_items(raw_items: list[dict]) -> list[UpsertItemRequest | str]:
    """Each raw item parsed on its own: a request, or the message of its first error."""
    parsed: list[UpsertItemRequest | str] = []
    for raw in raw_items:
        try:
            parsed.append(UpsertItemRequest.model_validate(raw))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "item"
            parsed.append(f"{field}: {first['msg']}")
    return parsed
