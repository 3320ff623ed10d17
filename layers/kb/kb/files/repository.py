"""File records (`SOURCE#<s>` / `FILE#<fileId>`) and, per item written from files, the order
marker (`SOURCE#<s>` / `FILEITEM#<externalItemId>`). Every status change is conditional."""

from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.files.records import FileError, FileRecord, FileResult
from kb.storage import Table, deserialize, serialize


class NotClaimed(Exception):
    """The file is taken by another message, or already done: this delivery changes nothing."""


class Superseded(Exception):
    """A newer upload to the same item was written (or is being written) already."""

    def __init__(self, newer_file_id: str) -> None:
        super().__init__(newer_file_id)
        self.newer_file_id = newer_file_id


class ItemBusy(Exception):
    """An older upload to the same item is being written now: try again shortly."""


def _key(source_id: str, file_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"FILE#{file_id}"}


class FileRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, record: FileRecord) -> None:
        self.table.put(
            {**_key(record.source_id, record.id), **record.to_json_dict(), "tenantId": record.tenant_id},
            condition="attribute_not_exists(pk)",
        )

    def get(self, source_id: str, file_id: str) -> FileRecord | None:
        found = self.table.get(f"SOURCE#{source_id}", f"FILE#{file_id}")
        return FileRecord.model_validate(found) if found else None

    def page(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None
    ) -> tuple[list[FileRecord], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}",
            "FILE#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"files:{source_id}"),
        )
        return [FileRecord.model_validate(r) for r in records], next_cursor

    def mark_uploaded(self, record: FileRecord, now: str) -> bool:
        """awaiting_upload -> uploaded; False when processing has already taken the file."""
        return self._transition(
            record,
            "SET #status = :uploaded, updatedAt = :now",
            "#status = :awaiting",
            now,
            {":uploaded": "uploaded", ":awaiting": "awaiting_upload"},
        )

    def claim(self, record: FileRecord, message_id: str, now: str) -> str:
        """Take the file for processing; the status it had. Raises NotClaimed for a duplicate
        notification (another message) or a file already completed or failed; a redelivery of
        the claiming message (its invocation died) takes it again."""
        try:
            reply = self.table.client.update_item(
                TableName=self.table.name,
                Key=serialize(_key(record.source_id, record.id)),
                UpdateExpression="SET #status = :processing, claimedBy = :message, updatedAt = :now",
                ConditionExpression="#status IN (:awaiting, :uploaded) OR (#status = :processing AND claimedBy = :message)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=serialize(
                    {
                        ":processing": "processing",
                        ":awaiting": "awaiting_upload",
                        ":uploaded": "uploaded",
                        ":message": message_id,
                        ":now": now,
                    }
                ),
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise NotClaimed(record.id) from error
            raise
        previous: str = deserialize(reply.get("Attributes", {})).get("status", "")
        return previous

    def complete(self, record: FileRecord, message_id: str, result: FileResult, now: str) -> bool:
        return self._finish(record, message_id, now, {"result": result.to_json_dict()}, "completed")

    def fail(self, record: FileRecord, message_id: str, error: FileError, now: str) -> bool:
        return self._finish(record, message_id, now, {"error": error.to_json_dict()}, "failed")

    def _finish(self, record: FileRecord, message_id: str, now: str, fields: dict[str, Any], status: str) -> bool:
        """processing -> completed/failed, only by the message that claimed it: never twice, and a
        completed file never goes back."""
        ((name, value),) = fields.items()
        return self._transition(
            record,
            "SET #status = :done, #field = :value, completedAt = :now, updatedAt = :now",
            "#status = :processing AND claimedBy = :message",
            now,
            {":done": status, ":value": value, ":message": message_id, ":processing": "processing"},
            {"#field": name},
        )

    def _transition(
        self,
        record: FileRecord,
        update: str,
        condition: str,
        now: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> bool:
        try:
            self.table.update(
                f"SOURCE#{record.source_id}",
                f"FILE#{record.id}",
                update,
                condition=condition,
                names={"#status": "status", **(names or {})},
                values={":now": now, **values},
            )
        except ClientError as error:
            if self.table.is_condition_failure(error):
                return False
            raise
        return True

    def hold_item(self, source_id: str, external_item_id: str, file_id: str, now: str, until: str) -> None:
        """Become the one file writing this item, unless a newer file already did (Superseded) or
        an older one is writing it now (ItemBusy). File ids sort by upload time, so the newest
        upload is what the item ends up holding, whatever order processing finishes in. A holder
        that died is replaced once its lease (`until`) has passed."""
        try:
            self.table.update(
                f"SOURCE#{source_id}",
                f"FILEITEM#{external_item_id}",
                "SET latest = :file, holder = :file, leaseUntil = :until",
                condition="(attribute_not_exists(latest) OR latest <= :file) AND "
                "(attribute_not_exists(holder) OR holder = :file OR leaseUntil < :now)",
                values={":file": file_id, ":until": until, ":now": now},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            marker = self.table.get(f"SOURCE#{source_id}", f"FILEITEM#{external_item_id}") or {}
            if str(marker.get("latest", "")) > file_id:
                raise Superseded(str(marker["latest"])) from error
            raise ItemBusy(external_item_id) from error

    def release_item(self, source_id: str, external_item_id: str, file_id: str) -> None:
        try:
            self.table.update(
                f"SOURCE#{source_id}",
                f"FILEITEM#{external_item_id}",
                "REMOVE holder, leaseUntil",
                condition="holder = :file",
                values={":file": file_id},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
