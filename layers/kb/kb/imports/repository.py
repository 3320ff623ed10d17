"""Import records (`SOURCE#<s>` / `IMPORT#<id>`) and the ids an import has seen
(`IMPORT#<id>` / `ID#<externalItemId>`, holding the line that first named it)."""

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.imports.models import ImportJob
from kb.storage import Table

# Seen-id markers outlive an import that never finishes by at most this long (the table's TTL).
MARKER_TTL_SECONDS = 7 * 24 * 3600
_MARKERS_PER_CALL = 25
_WORKERS = 4


class ImportConflict(Exception):
    """The import was not in the state (or at the offset) the write required."""


def import_object_key(tenant_id: str, source_id: str, import_id: str) -> str:
    """Under `imports/` (a lifecycle rule expires it): no tenant's key is a prefix of another's."""
    return f"imports/{tenant_id}/{source_id}/{import_id}.jsonl"


class ImportRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _key(source_id: str, import_id: str) -> dict[str, str]:
        return {"pk": f"SOURCE#{source_id}", "sk": f"IMPORT#{import_id}"}

    def _record(self, job: ImportJob) -> dict[str, Any]:
        return {**self._key(job.source_id, job.id), **job.to_json_dict(), "objectKey": job.object_key}

    def create(self, job: ImportJob) -> None:
        self.table.put(self._record(job), condition="attribute_not_exists(pk)")

    def get(self, source_id: str, import_id: str) -> ImportJob | None:
        record = self.table.get(f"SOURCE#{source_id}", f"IMPORT#{import_id}")
        return ImportJob.model_validate(record) if record else None

    def page(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None
    ) -> tuple[list[ImportJob], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}",
            "IMPORT#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"imports:{source_id}"),
        )
        return [ImportJob.model_validate(r) for r in records], next_cursor

    def replace(self, job: ImportJob, statuses: tuple[str, ...], bytes_read: int | None = None) -> None:
        """Write `job` if the stored one is in one of `statuses` (and, given `bytes_read`, has read
        exactly that far: a retried slice whose first attempt was counted cannot count again)."""
        values: dict[str, Any] = {f":s{i}": s for i, s in enumerate(statuses)}
        names = {"#status": "status"}
        condition = f"#status IN ({', '.join(values)})"
        if bytes_read is not None:
            condition += " AND #progress.#bytesRead = :read"
            names.update({"#progress": "progress", "#bytesRead": "bytesRead"})
            values[":read"] = bytes_read
        try:
            self.table.put(self._record(job), condition=condition, names=names, values=values)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise ImportConflict() from error
            raise

    def seen(self, import_id: str, external_item_ids: list[str]) -> dict[str, int]:
        """The line that first named each of `external_item_ids` in this import, if any did."""
        records = self.table.batch_get([(f"IMPORT#{import_id}", f"ID#{i}") for i in external_item_ids])
        return {r["sk"].removeprefix("ID#"): int(r["line"]) for r in records}

    def mark_seen(self, import_id: str, lines: dict[str, int]) -> None:
        """Batch writes of 25, several in flight (they are independent puts)."""
        expires = int(time.time()) + MARKER_TTL_SECONDS
        records = [
            {"pk": f"IMPORT#{import_id}", "sk": f"ID#{i}", "line": n, "expiresAt": expires} for i, n in lines.items()
        ]
        groups = [records[start : start + _MARKERS_PER_CALL] for start in range(0, len(records), _MARKERS_PER_CALL)]
        with ThreadPoolExecutor(_WORKERS) as pool:
            list(pool.map(self.table.put_many, groups))

    def forget_seen(self, import_id: str) -> None:
        records = self.table.query_attributes(f"IMPORT#{import_id}", "ID#", ["pk", "sk"])
        self.table.delete_many([(r["pk"], r["sk"]) for r in records])
