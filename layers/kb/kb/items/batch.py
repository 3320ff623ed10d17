"""Batches of up to 1000 upserts and deletes: one result per operation, as if each were written on
its own, in a few dozen DynamoDB calls. The records are read with batch reads (for the content-hash
check), then written in transactions of up to 97 records (and under 4 MB), each record conditioned
on the version read, with one change-log record naming them all, on the condition that the source's staging epoch is still open. A transaction that loses a race (or fails) is retried one operation at
a time through `stage`, which re-reads and decides again; an id named twice in one batch is applied
one operation at a time, in order."""

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from kb.errors import QuotaExceeded
from kb.items.models import BatchItemResult, BatchRequest, BatchResult, StagedItem
from kb.items.repository import INLINE_CONTENT_LIMIT, ItemRepository, PendingWrite, group_size
from kb.items.service import Decision, delete_decision, notify_staged, stage, upsert_decision, validate_items
from kb.observability import count, logger
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import require_active

_WORKERS = 8
# A transaction carries at most 4 MB; keep clear of it (a record is counted as its inline
# content plus its other fields as JSON, its keys and its id in the change-log record).
_TRANSACTION_BYTES = 3_500_000
_NOTHING_WRITTEN = frozenset({"unchanged", "not_found", "failed"})
_FAILED = "internal_error: this operation failed and was not applied; retry it"


@dataclass(frozen=True)
class _Operation:
    index: int
    external_item_id: str
    operation: Literal["upsert", "delete"]
    decide: Decision

    def result(self, outcome: str, error: str | None = None) -> "Staged":
        return Staged(self, outcome, error)


@dataclass(frozen=True)
class Staged:
    """What became of one operation: its outcome (created ... missing, not_found, failed)."""

    operation: _Operation
    outcome: str
    error: str | None = None

    def as_batch_result(self) -> BatchItemResult:
        return BatchItemResult.model_validate(
            {
                "index": self.operation.index,
                "externalItemId": self.operation.external_item_id,
                "operation": self.operation.operation,
                "outcome": self.outcome,
                "error": self.error,
            }
        )


@dataclass(frozen=True)
class _Decided:
    operation: _Operation
    item: StagedItem
    previous: StagedItem | None
    outcome: str


def apply_batch(items: ItemRepository, sources: SourceRepository, source: Source, batch: BatchRequest) -> BatchResult:
    require_active(source)
    results: dict[int, BatchItemResult] = {}
    operations: list[_Operation] = []
    for index, request in enumerate(validate_items(batch.items)):
        if isinstance(request, str):
            raw_id = batch.items[index].get("externalItemId")
            item_id = raw_id if isinstance(raw_id, str) and raw_id.isprintable() and _utf8(raw_id) else None
            results[index] = BatchItemResult(
                index=index, external_item_id=item_id, operation="upsert", outcome="invalid", error=request
            )
        else:
            decide = upsert_decision(source, request)
            operations.append(_Operation(index, request.external_item_id, "upsert", decide))
    for offset, item_id in enumerate(batch.deletes):
        operations.append(_Operation(len(batch.items) + offset, item_id, "delete", delete_decision))
    staged = _stage_operations(items, sources, source, operations, [], None)
    results |= {index: result.as_batch_result() for index, result in staged.items()}
    ordered = [results[index] for index in sorted(results)]
    failed = sum(1 for r in ordered if r.outcome in ("invalid", "not_found", "failed"))
    return BatchResult(results=ordered, succeeded=len(ordered) - failed, failed=failed)


def stage_many(
    items: ItemRepository,
    sources: SourceRepository,
    source: Source,
    decisions: list[tuple[str, Decision]],
    checks: list[dict] | None = None,
    before_each: Callable[[], None] | None = None,
) -> list[Staged]:
    """(externalItemId, decision) pairs staged as a batch stages them: one result each, in order.
    Every transaction also carries `checks` (ConditionChecks); an operation retried on its own
    runs `before_each` first (which may raise to stop)."""
    operations = [_Operation(i, item_id, "upsert", decide) for i, (item_id, decide) in enumerate(decisions)]
    results = _stage_operations(items, sources, source, operations, checks or [], before_each)
    return [results[i] for i in range(len(operations))]


def _stage_operations(
    items: ItemRepository,
    sources: SourceRepository,
    source: Source,
    operations: list[_Operation],
    checks: list[dict],
    before_each: Callable[[], None] | None,
) -> dict[int, Staged]:
    """Operations on one id are folded into one (applied in order in memory, written once), so
    every id is written at most once, in groups, whatever the batch repeats."""
    by_id: dict[str, list[_Operation]] = {}
    for op in operations:
        by_id.setdefault(op.external_item_id, []).append(op)
    folds = {ops[0].index: _Fold(ops) for ops in by_id.values() if len(ops) > 1}
    once = [folds[ops[0].index].operation if len(ops) > 1 else ops[0] for ops in by_id.values()]
    results: dict[int, Staged] = {}
    with ThreadPoolExecutor(_WORKERS) as pool:
        retry = _write_in_groups(items, source, once, results, pool, checks)
        for result in pool.map(lambda op: _one_by_one(items, sources, source, op, before_each), retry):
            results[result.operation.index] = result
    for index, fold in folds.items():
        results |= fold.expand(results.pop(index))
    if any(r.outcome not in _NOTHING_WRITTEN for r in results.values()):
        notify_staged(items, source)
    return results


class _Fold:
    """Several operations on one id as one: each decides on the state the one before left."""

    def __init__(self, operations: list[_Operation]) -> None:
        self.operations = operations
        self.outcomes: list[str] = []
        first = operations[0]
        self.operation = _Operation(first.index, first.external_item_id, first.operation, self.decide)

    def decide(self, existing: StagedItem | None) -> tuple[StagedItem | None, str]:
        self.outcomes = []  # decided again from scratch when a write is retried
        current, changed = existing, False
        for op in self.operations:
            item, outcome = op.decide(current)
            self.outcomes.append(outcome)
            if item is not None:
                current, changed = item, True
        return (current if changed else None), "folded"

    def expand(self, staged: Staged) -> dict[int, Staged]:
        if staged.outcome == "failed":
            return {op.index: op.result("failed", staged.error) for op in self.operations}
        return {op.index: op.result(outcome) for op, outcome in zip(self.operations, self.outcomes, strict=True)}


def _write_in_groups(
    items: ItemRepository,
    source: Source,
    operations: list[_Operation],
    results: dict[int, Staged],
    pool: ThreadPoolExecutor,
    checks: list[dict],
) -> list[_Operation]:
    """Read, decide and write `operations` (no id twice) in transactions; record their results.
    Returns the operations to retry one by one."""
    existing = items.get_many(source.id, [op.external_item_id for op in operations]) if operations else {}
    decided: list[_Decided] = []
    for op in operations:
        previous = existing.get(op.external_item_id)
        item, outcome = op.decide(previous)
        if item is None:
            results[op.index] = op.result(outcome)
        else:
            decided.append(_Decided(op, item, previous, outcome))

    def write(group: list[_Decided]) -> list[_Operation]:
        pending: list[PendingWrite] = []
        try:
            for d in group:  # big content goes to S3 here
                pending.append(items.prepare(source, d.item, d.previous))
            items.write_group(source, pending, checks)
        except Exception:  # noqa: BLE001 - a lost race or a fault: each is retried on its own
            logger.info("a batch group is retried one by one", exc_info=True)
            for written in pending:
                items.abandon(written)
            return [d.operation for d in group]
        for d in group:
            results[d.operation.index] = d.operation.result(d.outcome)
        return []

    groups = _groups(decided, group_size(len(checks)))
    retry = [op for failed in pool.map(write, groups) for op in failed]
    written = [d for d in decided if d.operation not in retry]
    for outcome, n in Counter(d.outcome for d in written if d.outcome != "folded").items():
        count(f"Items{outcome.capitalize()}", n)
    return retry


def _groups(decided: list[_Decided], size: int) -> list[list[_Decided]]:
    """Runs of at most `size` writes whose records stay under a transaction's 4 MB (content over
    the inline limit goes to S3, so a record's inline content is at most that limit)."""
    groups: list[list[_Decided]] = [[]]
    budget = _TRANSACTION_BYTES
    for d in decided:
        content = len(d.item.content.encode())
        inline = content if content <= INLINE_CONTENT_LIMIT else 0
        # the record's other fields, and its id once more in the group's change-log record
        fields = len(d.item.model_dump_json(exclude={"content"}).encode())
        weight = inline + fields + len(d.operation.external_item_id.encode()) * 4
        if groups[-1] and (len(groups[-1]) == size or weight > budget):
            groups.append([])
            budget = _TRANSACTION_BYTES
        groups[-1].append(d)
        budget -= weight
    return [group for group in groups if group]


def _one_by_one(
    items: ItemRepository,
    sources: SourceRepository,
    source: Source,
    op: _Operation,
    before_each: Callable[[], None] | None = None,
) -> Staged:
    """One operation through `stage`: whatever fails stays this operation's result, not the batch's."""
    if before_each is not None:
        before_each()
    try:
        _, outcome = stage(items, sources, source, op.external_item_id, op.decide)
    except QuotaExceeded as refused:  # this operation is not applied; the others may be
        return op.result("failed", f"{refused.code}: {refused.message}")
    except Exception:  # noqa: BLE001 - reported per operation; logged with its trace
        logger.exception("batch operation failed", extra={"index": op.index, "operation": op.operation})
        count("BatchOperationsFailed")
        return op.result("failed", _FAILED)
    return op.result(outcome)


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


__all__ = ["apply_batch"]
