"""What the lifecycle helpers share: batching, the report of a sync, polling intervals."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from . import models as m

MAX_BATCH = 1000  # the API's bound on a batch or a snapshot page
# Batches are also bounded in bytes: the API refuses a batch or page over 5 MiB.
MAX_BATCH_BYTES = 4 * 1024 * 1024
SyncMode = Literal["upsert", "snapshot"]
TERMINAL = frozenset({"succeeded", "failed"})
# A generation stops moving when built, failed, or (gated) held, and a held one when discarded:
# held waits for a person's publish or discard, so waiting on it longer would never end.
GENERATION_TERMINAL = frozenset({"succeeded", "failed", "held", "discarded"})
TRAINING_TERMINAL = frozenset({"completed", "failed", "cancelled"})


def poll_delays() -> Iterator[float]:
    """0.2 s, then 1.5x longer each time, at most 2 s: quick work is seen quickly, long work cheaply."""
    delay = 0.2
    while True:
        yield delay
        delay = min(2.0, delay * 1.5)


def batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Runs of at most `size` items and about MAX_BATCH_BYTES of content each."""
    size = max(1, min(size, MAX_BATCH))
    iterator = iter(items)
    pending: list[dict[str, Any]] = []
    weight = 0
    for item in iterator:
        cost = len(str(item.get("content", ""))) * 2 + 512
        if pending and (len(pending) >= size or weight + cost > MAX_BATCH_BYTES):
            yield pending
            pending, weight = [], 0
        pending.append(item)
        weight += cost
    if pending:
        yield pending


@dataclass
class SyncReport:
    """What a sync staged: outcomes counted over every item (created, updated, unchanged, restored,
    deleted; `invalid`/`failed` ones also listed in `failures`), and a snapshot's commit counts."""

    mode: SyncMode
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[m.BatchItemResult] = field(default_factory=list)
    snapshot: m.Snapshot | None = None
    staged: list[str] = field(default_factory=list)  # ids of the items now staged as sent

    def add(self, results: Iterable[m.BatchItemResult]) -> None:
        for result in results:
            self.outcomes[result.outcome] = self.outcomes.get(result.outcome, 0) + 1
            if result.outcome in ("invalid", "failed", "not_found"):
                self.failures.append(result)
            elif result.operation == "upsert" and result.external_item_id is not None:
                self.staged.append(result.external_item_id)


@dataclass
class Published:
    """A run and what applying it did (`status` published or unchanged, the generation, the counts)."""

    run: m.Run
    applied: m.ApplyResult
