from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.ids import iso_now
from kb.runs.models import Progress, Run, RunCounts
from kb.storage import Table

RUN_FAILED = "run_failed"


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

    def start(self, run: Run, progress: Progress) -> Run:
        """queued -> running (again on a retried task: the condition admits a running run)."""
        self.table.update(
            f"SOURCE#{run.source_id}",
            f"RUN#{run.id}",
            "SET #status = :running, progress = :progress",
            condition="#status IN (:queued, :running)",
            names={"#status": "status"},
            values={":running": "running", ":queued": "queued", ":progress": progress.to_json_dict()},
        )
        return run.model_copy(update={"status": "running", "progress": progress})

    def complete(
        self, run: Run, counts: RunCounts, base_generation_id: str | None, staging_epoch: int, discovery_complete: bool
    ) -> Run:
        total = run.progress.items_total if run.progress else 0
        done = run.model_copy(
            update={
                "status": "succeeded",
                "counts": counts,
                "progress": Progress(items_done=total, items_total=total),
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

    def fail(self, source_id: str, run_id: str, error: str, code: str = RUN_FAILED) -> bool:
        """Record a failure once: only a queued or running run fails (whoever records first wins,
        the state machine's own recorder or the endpoint that watched the execution fail)."""
        try:
            self.table.update(
                f"SOURCE#{source_id}",
                f"RUN#{run_id}",
                "SET #status = :failed, #error = :error, errorCode = :code, completedAt = :now",
                condition="#status IN (:queued, :running)",
                names={"#status": "status", "#error": "error"},
                values={
                    ":failed": "failed",
                    ":error": error,
                    ":code": code,
                    ":queued": "queued",
                    ":running": "running",
                    ":now": iso_now(),
                },
            )
        except ClientError as error_:
            if not self.table.is_condition_failure(error_):
                raise
            return False
        return True
