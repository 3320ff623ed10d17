"""The diff of the changed part of a staging set against the last applied state. Pure: the
run task gathers the inputs (only the items changed since the base) and stores the result."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from kb.ids import parse_iso
from kb.runs.models import ItemChange, RunCounts


@dataclass(frozen=True)
class StagedState:
    state: str  # active | missing | deleted
    content_hash: str
    missing_since: str | None = None


@dataclass(frozen=True)
class AppliedState:
    content_hash: str
    missing_since: str | None = None  # set: a tombstone, still serving


def diff_changes(
    staged: dict[str, StagedState],
    applied: dict[str, AppliedState],
    now: datetime,
    grace_days: int,
    applied_count: int | None = None,
) -> tuple[list[ItemChange], RunCounts]:
    """`applied` needs the applied state of every staged item and every tombstone, not every item:
    `applied_count` (default: all of `applied`) says how many the applied state holds."""
    changes: dict[str, ItemChange] = {}
    for item_id in sorted(staged):
        item, before = staged[item_id], applied.get(item_id)
        if item.state == "active":
            if before is None:
                changes[item_id] = ItemChange(
                    external_item_id=item_id, change="created", content_hash=item.content_hash
                )
            elif before.content_hash != item.content_hash:
                changes[item_id] = ItemChange(
                    external_item_id=item_id, change="updated", content_hash=item.content_hash
                )
            elif before.missing_since is not None:
                changes[item_id] = ItemChange(
                    external_item_id=item_id, change="restored", content_hash=item.content_hash
                )
        elif item.state == "deleted" and before is not None:
            changes[item_id] = ItemChange(external_item_id=item_id, change="deleted")
        elif item.state == "missing" and before is not None and before.missing_since is None:
            changes[item_id] = ItemChange(
                external_item_id=item_id,
                change="tombstoned",
                content_hash=before.content_hash,
                missing_since=item.missing_since,
            )
    # A tombstone serves until graceDays after the item went missing; the first run after that purges it.
    grace = timedelta(days=grace_days)
    for item_id in sorted(applied):
        change = changes.get(item_id)
        missing_since = change.missing_since if change and change.change == "tombstoned" else None
        if change is None:
            missing_since = applied[item_id].missing_since
        if missing_since is not None and now - parse_iso(missing_since) >= grace:
            changes[item_id] = ItemChange(external_item_id=item_id, change="purged", missing_since=missing_since)
    counts = RunCounts()
    for change in changes.values():
        setattr(counts, change.change, getattr(counts, change.change) + 1)
    total = len(applied) if applied_count is None else applied_count
    counts.unchanged = total - sum(1 for item_id in changes if item_id in applied)
    return sorted(changes.values(), key=lambda c: c.external_item_id), counts
