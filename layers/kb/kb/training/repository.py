"""Training jobs in the table: TENANT#<id> / TRAIN#<jobId>, and the tenant's one training lock
TENANT#<id> / TRAINLOCK, taken in the same transaction as the job is created."""

from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.storage import Table
from kb.training.models import TrainingJob, TrainProgress, TrainSource

_LOCK_SK = "TRAINLOCK"


class LockTaken(Exception):
    """Another job of the tenant holds the training lock."""


class StatusChanged(Exception):
    """The job's status was not the one the write expected (a cancel or a finish got there first)."""


def _key(tenant_id: str, job_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}", "sk": f"TRAIN#{job_id}"}


class TrainingRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def start(self, job: TrainingJob, lock_until: str, now: str) -> None:
        """Create the job and take the tenant's lock in one transaction: of two concurrent starts,
        exactly one commits. A lock past its expiry (a job whose machine died) can be taken."""
        lock = {"pk": f"TENANT#{job.tenant_id}", "sk": _LOCK_SK, "jobId": job.id, "expiresAt": lock_until}
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": lock,
                    "ConditionExpression": "attribute_not_exists(pk) OR expiresAt < :now",
                    "ExpressionAttributeValues": {":now": now},
                }
            },
            {"Put": {"Item": {**_key(job.tenant_id, job.id), **job.to_json_dict()}}},
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            raise LockTaken() from error

    def holder(self, tenant_id: str) -> str | None:
        record = self.table.get(f"TENANT#{tenant_id}", _LOCK_SK)
        return str(record["jobId"]) if record else None

    def renew(self, job: TrainingJob, lock_until: str) -> None:
        """Keep the lock while the machine works (each step renews it)."""
        try:
            self.table.update(
                f"TENANT#{job.tenant_id}",
                _LOCK_SK,
                "SET expiresAt = :until",
                condition="jobId = :job",
                values={":until": lock_until, ":job": job.id},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise

    def get(self, tenant_id: str, job_id: str) -> TrainingJob | None:
        key = _key(tenant_id, job_id)
        record = self.table.get(key["pk"], key["sk"])
        return TrainingJob.model_validate(record) if record else None

    def latest(self, tenant_id: str) -> TrainingJob | None:
        jobs, _ = self.page(tenant_id, 1, None)
        return jobs[0] if jobs else None

    def page(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[TrainingJob], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"TENANT#{tenant_id}", "TRAIN#", limit, cursor, newest_first=True, listing=Listing(tenant_id, "training")
        )
        return [TrainingJob.model_validate(r) for r in records], next_cursor

    def mark_running(self, job: TrainingJob, now: str) -> None:
        self._update(job, "SET #status = :running, startedAt = :now", ["queued"], {":running": "running", ":now": now})

    def record(self, job: TrainingJob, index: int, source: TrainSource, progress: TrainProgress) -> None:
        """One source's state and the job's counters; only the state machine writes these."""
        self._update(
            job,
            f"SET sources[{index}] = :source, progress = :progress",
            ["queued", "running", "cancelling"],
            {":source": source.to_json_dict(), ":progress": progress.to_json_dict()},
        )

    def request_cancel(self, job: TrainingJob, now: str) -> None:
        self._update(
            job,
            "SET #status = :cancelling, cancelRequestedAt = :now",
            ["queued", "running"],
            {":cancelling": "cancelling", ":now": now},
        )

    def finish(self, job: TrainingJob, seen: str, final: TrainingJob) -> None:
        """Settle the job (if its status is still `seen`) and free the tenant's lock, together."""
        operations = [
            {
                "Put": {
                    "Item": {**_key(job.tenant_id, job.id), **final.to_json_dict()},
                    "ConditionExpression": "#status = :seen",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":seen": seen},
                }
            },
            {
                "Delete": {
                    "Key": {"pk": f"TENANT#{job.tenant_id}", "sk": _LOCK_SK},
                    "ConditionExpression": "attribute_not_exists(pk) OR jobId = :job",
                    "ExpressionAttributeValues": {":job": job.id},
                }
            },
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            raise StatusChanged() from error

    def _update(self, job: TrainingJob, update: str, allowed: list[str], values: dict[str, Any]) -> None:
        statuses = {f":s{i}": status for i, status in enumerate(allowed)}
        try:
            self.table.update(
                f"TENANT#{job.tenant_id}",
                f"TRAIN#{job.id}",
                update,
                condition=f"#status IN ({', '.join(statuses)})",
                names={"#status": "status"},
                values={**values, **statuses},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            raise StatusChanged() from error
