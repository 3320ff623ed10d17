from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.errors import ApplyConflict, LeaseLost, StaleBase
from kb.generations.models import Generation, ManifestSummary
from kb.ids import iso_now
from kb.runs.models import Progress, Run
from kb.sources.models import Source
from kb.sources.repository import SourceConditionFailed, SourceRepository
from kb.storage import Table

_UNFINISHED = {":queued": "queued", ":running": "running"}


def generation_key(source_id: str, generation_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"GEN#{generation_id}"}


class GenerationRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, source_id: str, generation_id: str) -> Generation | None:
        record = self.table.get(f"SOURCE#{source_id}", f"GEN#{generation_id}")
        return Generation.model_validate(record) if record else None

    def all_newest_first(self, source_id: str) -> list[Generation]:
        records = self.table.query_all(f"SOURCE#{source_id}", "GEN#")
        return [Generation.model_validate(r) for r in reversed(records)]

    def page(
        self, tenant_id: str, source_id: str, limit: int | None, cursor: str | None
    ) -> tuple[list[Generation], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}",
            "GEN#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"generations:{source_id}"),
        )
        return [Generation.model_validate(r) for r in records], next_cursor

    def delete(self, generation: Generation) -> None:
        """The record and its evaluation report (kb.evaluation), if it was evaluated."""
        self.table.delete(f"SOURCE#{generation.source_id}", f"GEN#{generation.id}")
        self.table.delete(f"SOURCE#{generation.source_id}", f"EVALREPORT#{generation.id}")

    def begin(
        self, sources: SourceRepository, source: Source, generation: Generation, expires_at: str, now: str
    ) -> None:
        """Take the source's apply lease and record the queued generation in one transaction, so
        the generation a 202 points at exists exactly when its apply does."""
        record = {**generation_key(source.id, generation.id), **generation.to_json_dict()}
        operations = [
            sources.lease_operation(source, generation.id, expires_at, now),
            {"Put": {"Item": record, "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            raise SourceConditionFailed() from error

    def start(self, source_id: str, generation_id: str, progress: Progress) -> None:
        """queued -> running (again on a retried build: the condition admits a running one)."""
        self._set_progress(source_id, generation_id, progress, "SET #status = :running, progress = :progress")

    def report(self, source_id: str, generation_id: str, progress: Progress) -> None:
        self._set_progress(source_id, generation_id, progress, "SET progress = :progress")

    def add_progress(self, source_id: str, generation_id: str, items: int, chunks: int) -> None:
        """A slice's share, added atomically: slices of one build report concurrently."""
        key = generation_key(source_id, generation_id)
        self.table.update(
            key["pk"],
            key["sk"],
            "ADD progress.itemsDone :items, progress.chunksTotal :chunks",
            condition="#status IN (:queued, :running)",
            names={"#status": "status"},
            values={**_UNFINISHED, ":items": items, ":chunks": chunks},
        )

    def _set_progress(self, source_id: str, generation_id: str, progress: Progress, update: str) -> None:
        key = generation_key(source_id, generation_id)
        self.table.update(
            key["pk"],
            key["sk"],
            update,
            condition="#status IN (:queued, :running)",
            names={"#status": "status"},
            values={**_UNFINISHED, ":progress": progress.to_json_dict()},
        )

    def fail(self, source_id: str, generation_id: str, code: str, message: str) -> bool:
        """Record a failure once: only a queued or running generation fails (the state machine's
        recorder usually gets there first; recording again changes nothing)."""
        key = generation_key(source_id, generation_id)
        try:
            self.table.update(
                key["pk"],
                key["sk"],
                "SET #status = :failed, errorCode = :code, #error = :error, completedAt = :now",
                condition="#status IN (:queued, :running)",
                names={"#status": "status", "#error": "error"},
                values={**_UNFINISHED, ":failed": "failed", ":code": code, ":error": message, ":now": iso_now()},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            return False
        return True

    def settle(self, source_id: str, generation_id: str) -> None:
        """Mark a published generation's apply as finished (the waiting request's signal)."""
        key = generation_key(source_id, generation_id)
        try:
            self.table.update(
                key["pk"],
                key["sk"],
                "SET settledAt = :now",
                condition="attribute_exists(pk)",
                values={":now": iso_now()},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise

    def publish(
        self, sources: SourceRepository, source: Source, generation: Generation, manifest: ManifestSummary
    ) -> None:
        """Complete the generation and move the source's pointer in one transaction. Its condition
        (the pointer still at the run's base, the lease still ours) is what makes a stale or
        overtaken apply lose."""
        key = generation_key(source.id, generation.id)
        progress = generation.progress or Progress()
        done = progress.model_copy(update={"items_done": progress.items_total, "chunks_done": progress.chunks_total})
        operations = [
            {
                "Update": {
                    "Key": key,
                    "UpdateExpression": (
                        "SET #status = :succeeded, manifest = :manifest, progress = :progress, completedAt = :now"
                    ),
                    "ConditionExpression": "#status IN (:queued, :running)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        **_UNFINISHED,
                        ":succeeded": "succeeded",
                        ":manifest": manifest.to_json_dict(),
                        ":progress": done.to_json_dict(),
                        ":now": iso_now(),
                    },
                }
            },
            sources.publish_operation(source, generation.id, generation.base_generation_id, lease_owner=generation.id),
            {
                "Update": {
                    "Key": {"pk": f"SOURCE#{source.id}", "sk": f"RUN#{generation.run_id}"},
                    "UpdateExpression": "SET appliedGenerationId = :generation",
                    "ConditionExpression": "attribute_not_exists(appliedGenerationId)",
                    "ExpressionAttributeValues": {":generation": generation.id},
                }
            },
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            fresh = sources.get(source.tenant_id, source.id)
            if fresh is None or fresh.apply_lease is None or fresh.apply_lease.owner != generation.id:
                raise LeaseLost(
                    "This apply's lease expired and another apply took the source; start a new run."
                ) from error
            raise StaleBase("Another generation was published since this run was planned; start a new run.") from error

    def apply_unchanged(self, sources: SourceRepository, source: Source, run: Run, current_id: str) -> None:
        """Mark a run that changes nothing as applied to the generation already serving, on the
        condition that it still serves and the run was not applied meanwhile."""
        operations = [
            sources.unchanged_operation(source, current_id),
            {
                "Update": {
                    "Key": {"pk": f"SOURCE#{source.id}", "sk": f"RUN#{run.id}"},
                    "UpdateExpression": "SET appliedGenerationId = :generation",
                    "ConditionExpression": "attribute_not_exists(appliedGenerationId)",
                    "ExpressionAttributeValues": {":generation": current_id},
                }
            },
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            fresh = sources.get(source.tenant_id, source.id)
            if fresh is not None and fresh.current_generation_id != current_id:
                raise StaleBase(
                    "Another generation was published since this run was planned; start a new run."
                ) from error
            raise ApplyConflict(f"Run {run.id} was already applied; start a new run.") from error
