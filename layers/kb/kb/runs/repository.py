from kb.cursors import Listing
from kb.ids import iso_now
from kb.runs.models import Run, RunCounts
from kb.storage import Table


class RunRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def _record(self, run: Run) -> dict:
        return {
            "pk": f"SOURCE#{run.source_id}",
            "sk": f"RUN#{run.id}",
            **run.to_json_dict(),
            "stagingEpoch": run.staging_epoch,
        }

    def create(self, run: Run) -> None:
        self.table.put(self._record(run), condition="attribute_not_exists(pk)")

    def get(self, source_id: str, run_id: str) -> Run | None:
        record = self.table.get(f"SOURCE#{source_id}", f"RUN#{run_id}")
        return Run.model_validate(record) if record else None

    def page(self, tenant_id: str, source_id: str, limit: int, cursor: str | None) -> tuple[list[Run], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}",
            "RUN#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"runs:{source_id}"),
        )
        return [Run.model_validate(r) for r in records], next_cursor

    def complete(
        self, run: Run, counts: RunCounts, base_generation_id: str | None, staging_epoch: int, discovery_complete: bool
    ) -> Run:
        done = run.model_copy(
            update={
                "status": "succeeded",
                "counts": counts,
                "base_generation_id": base_generation_id,
                "staging_epoch": staging_epoch,
                "discovery_complete": discovery_complete,
                "completed_at": iso_now(),
            }
        )
        self.table.put(
            self._record(done),
            condition="#status = :running",
            names={"#status": "status"},
            values={":running": "running"},
        )
        return done

    def fail(self, source_id: str, run_id: str, error: str) -> None:
        self.table.update(
            f"SOURCE#{source_id}",
            f"RUN#{run_id}",
            "SET #status = :failed, #error = :error, completedAt = :now",
            condition="#status = :running",
            names={"#status": "status", "#error": "error"},
            values={":failed": "failed", ":error": error, ":running": "running", ":now": iso_now()},
        )
