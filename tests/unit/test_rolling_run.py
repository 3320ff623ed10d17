"""A rolling run reads the change log and only the items it names, never the whole staging set."""

from typing import Any

from kb.blobs import manifest_key
from kb.generations.models import Manifest, ManifestEntry
from kb.ids import utcnow
from kb.items.models import ItemVersion, StagedItem
from kb.runs.models import Progress, Run, RunTask
from kb.runs.service import compute_run
from kb.sources.models import Source
from kb.webhooks.events import EventPublisher

SOURCE = Source(
    id="src_1",
    tenant_id="ten_1",
    name="s",
    grace_days=7,
    created_at="t",
    current_generation_id="gen_1",
    staging_epoch=9,
)


class Sources:
    def get(self, tenant_id: str, source_id: str) -> Source:
        return SOURCE

    def close_epoch(self, source: Source) -> Source:
        return source.model_copy(update={"staging_epoch": source.staging_epoch + 1})


class Items:
    def __init__(self) -> None:
        self.read: list[str] = []
        self.log_range: tuple[int, int] | None = None

    def list_all(self, source_id: str) -> list[StagedItem]:
        raise AssertionError("a rolling run must not read the whole staging set")

    def changed_between(self, source_id: str, after: int, up_to: int) -> set[str]:
        self.log_range = (after, up_to)
        return {"item-7"}

    def versions_of(self, source_id: str, ids: list[str]) -> dict[str, ItemVersion]:
        self.read += ids
        return {"item-7": ItemVersion("active", "h7b")}


class Runs:
    def get(self, source_id: str, run_id: str) -> Run:
        return Run(id=run_id, source_id=source_id, tenant_id="ten_1", status="running", created_at="t")

    def start(self, run: Run, progress: Progress) -> Run:
        return run.model_copy(update={"status": "running", "progress": progress})

    def complete(self, run: Run, counts: Any, base: str | None, epoch: int, complete: bool) -> Run:
        return run.model_copy(update={"status": "succeeded", "counts": counts, "staging_epoch": epoch})


class Blobs:
    def __init__(self) -> None:
        entries = {
            f"item-{i}": ManifestEntry(content_hash=f"h{i}", chunks_key=f"k{i}", chunk_count=1, title="")
            for i in range(10_000)
        }
        manifest = Manifest(
            generation_id="gen_1",
            tenant_id="ten_1",
            source_id="src_1",
            run_id="run_0",
            base_generation_id=None,
            staging_epoch=4,
            created_at="t",
            items=entries,
        )
        self.documents: dict[str, Any] = {manifest_key("ten_1", "src_1", "gen_1"): manifest.to_json_dict()}

    def get_json(self, key: str) -> Any:
        return self.documents[key]

    def put_json(self, key: str, document: Any, tagging: str | None = None) -> None:
        self.documents[key] = document


def test_a_rolling_run_reads_only_the_items_changed_since_the_base_generation():
    # Given a 10,000-item generation built at epoch 4 and one item changed since
    items, blobs = Items(), Blobs()
    # When a run closes epoch 9
    run = compute_run(
        RunTask(tenant_id="ten_1", source_id="src_1", run_id="run_1"),
        Sources(),  # type: ignore[arg-type]
        items,  # type: ignore[arg-type]
        Runs(),  # type: ignore[arg-type]
        blobs,  # type: ignore[arg-type]
        utcnow,
        EventPublisher(None, ""),
    )
    # Then it read the change log for epochs 5..9 and that one item, and found one update
    assert items.log_range == (4, 9)
    assert items.read == ["item-7"]
    assert (run.counts.updated, run.counts.unchanged, run.staging_epoch) == (1, 9_999, 9)
