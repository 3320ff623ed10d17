"""Which items a search may return: the request's filters (tags, metadata, the `where` expression),
and the grace window of tombstones (a tombstone serves until its source's grace has passed, even
before a run purges it)."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kb.ids import parse_iso
from kb.search.expressions import ItemView, compile_expression, failures
from kb.search.index import IndexedItem
from kb.search.models import MetadataCondition, SearchFilters


def _matches(value: Any, condition: MetadataCondition) -> bool:
    if value is None:
        return False
    if condition.eq is not None:
        return bool(value == condition.eq and type(value) is type(condition.eq))
    if condition.in_ is not None:
        return any(value == option and type(value) is type(option) for option in condition.in_)
    for bound, accepts in (
        (condition.gt, lambda v, b: v > b),
        (condition.gte, lambda v, b: v >= b),
        (condition.lt, lambda v, b: v < b),
        (condition.lte, lambda v, b: v <= b),
    ):
        if bound is None:
            continue
        numeric = isinstance(bound, float | int) and isinstance(value, float | int) and not isinstance(value, bool)
        textual = isinstance(bound, str) and isinstance(value, str)
        if not (numeric or textual) or not accepts(value, bound):
            return False
    return True


def view(entry: IndexedItem, source_id: str) -> ItemView:
    item = entry.item
    return ItemView(source_id, item.external_item_id, item.tags, item.language, item.updated_at, item.metadata)


def failed_conditions(filters: SearchFilters | None, entry: IndexedItem, source_id: str) -> list[str]:
    """Which of the request's conditions `entry` fails, named as in the request ("tags.any",
    "metadata.lang", "where.and[1] (language eq \"fr\")"): what "why not this item?" reports."""
    if filters is None:
        return []
    failed: list[str] = []
    have = set(entry.item.tags)
    if filters.tags is not None:
        if filters.tags.any_of is not None and not have.intersection(filters.tags.any_of):
            failed.append("tags.any")
        if filters.tags.all_of is not None and not have.issuperset(filters.tags.all_of):
            failed.append("tags.all")
    for key, condition in filters.metadata.items():
        if not _matches(entry.item.metadata.get(key), condition):
            failed.append(f"metadata.{key}")
    if filters.where is not None:
        failed += failures(filters.where, view(entry, source_id))
    return failed


def item_filter(
    filters: SearchFilters | None, grace_days: int, now: datetime, source_id: str
) -> Callable[[IndexedItem], bool]:
    """A predicate over items: the request's filters and the tombstones' grace window."""
    serving = tombstone_filter(grace_days, now)
    matching = filter_predicate(filters, source_id)
    return lambda entry: serving(entry) and matching(entry)


def tombstone_filter(grace_days: int, now: datetime) -> Callable[[IndexedItem], bool]:
    """Whether an item still serves: not a tombstone whose grace window has passed."""
    cutoff = now - timedelta(days=grace_days)
    return lambda entry: not (entry.missing_since and parse_iso(entry.missing_since) <= cutoff)


def filter_predicate(filters: SearchFilters | None, source_id: str) -> Callable[[IndexedItem], bool]:
    """The request's filters alone: the same for an item whatever the time (so it can be cached
    per generation)."""
    tags = filters.tags if filters else None
    metadata = filters.metadata if filters else {}
    where = compile_expression(filters.where) if filters and filters.where else None

    def allowed(entry: IndexedItem) -> bool:
        if tags is not None:
            have = set(entry.item.tags)
            if tags.any_of is not None and not have.intersection(tags.any_of):
                return False
            if tags.all_of is not None and not have.issuperset(tags.all_of):
                return False
        if not all(_matches(entry.item.metadata.get(key), condition) for key, condition in metadata.items()):
            return False
        return where is None or where(view(entry, source_id))

    return allowed
