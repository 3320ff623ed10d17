"""The diff of a staging set against the last applied state, by content hash."""

from kb.runs.models import ItemChange, RunCounts


def diff_states(staged: dict[str, str], applied: dict[str, str]) -> tuple[list[ItemChange], RunCounts]:
    """Both arguments map externalItemId -> content hash."""
    changes: list[ItemChange] = []
    for item_id in sorted(staged):
        content_hash = staged[item_id]
        if item_id not in applied:
            changes.append(ItemChange(external_item_id=item_id, change="created", content_hash=content_hash))
        elif applied[item_id] != content_hash:
            changes.append(ItemChange(external_item_id=item_id, change="updated", content_hash=content_hash))
        else:
            changes.append(ItemChange(external_item_id=item_id, change="unchanged", content_hash=content_hash))
    for item_id in sorted(set(applied) - set(staged)):
        changes.append(ItemChange(external_item_id=item_id, change="deleted"))
    counts = RunCounts()
    for change in changes:
        setattr(counts, change.change, getattr(counts, change.change) + 1)
    return changes, counts
