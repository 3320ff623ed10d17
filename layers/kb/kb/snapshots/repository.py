from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from kb.blobs import BlobStore, snapshot_content_key, source_prefix
from kb.ids import new_id
from kb.items.models import UpsertItemRequest
from kb.items.repository import INLINE_CONTENT_LIMIT, ContentGone
from kb.snapshots.models import Snapshot
from kb.storage import Table

_REQUEST_FIELDS = set(UpsertItemRequest.model_fields) | {
    f.alias for f in UpsertItemRequest.model_fields.values() if f.alias
}


class SnapshotStateConflict(Exception):
    """The snapshot was not in the state the write required."""


def snapshot_key(source_id: str, snapshot_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"SNAPSHOT#{snapshot_id}"}


class SnapshotRepository:
    """Snapshots and the items sent into them; content over INLINE_CONTENT_LIMIT goes to S3, as
    for staged items, so an item that may be upserted may also be sent in a snapshot."""

    def __init__(self, table: Table, blobs: BlobStore) -> None:
        self.table = table
        self.blobs = blobs

    def create(self, snapshot: Snapshot) -> None:
        self.table.put({**snapshot_key(snapshot.source_id, snapshot.id), **snapshot.to_json_dict()})

    def get(self, source_id: str, snapshot_id: str) -> Snapshot | None:
        key = snapshot_key(source_id, snapshot_id)
        record = self.table.get(key["pk"], key["sk"])
        return Snapshot.model_validate(record) if record else None

    def transition(self, snapshot: Snapshot, allowed_from: tuple[str, ...], updated: Snapshot) -> None:
        values = {f":from{i}": state for i, state in enumerate(allowed_from)}
        try:
            self.table.put(
                {**snapshot_key(snapshot.source_id, snapshot.id), **updated.to_json_dict()},
                condition=f"#status IN ({', '.join(values)})",
                names={"#status": "status"},
                values=values,
            )
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise SnapshotStateConflict() from error
            raise

    def committing_check(self, snapshot: Snapshot) -> dict[str, Any]:
        """A transaction's ConditionCheck: the snapshot is still being committed."""
        return {
            "ConditionCheck": {
                "Key": snapshot_key(snapshot.source_id, snapshot.id),
                "ConditionExpression": "#status = :committing",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":committing": "committing"},
            }
        }

    def add_items(self, snapshot: Snapshot, items: list[UpsertItemRequest]) -> None:
        """Unconditional batch writes: an id sent twice (in a page or across pages) is the last one sent."""
        latest = {item.external_item_id: item for item in items}
        with ThreadPoolExecutor(8) as pool:
            records = list(pool.map(lambda item: self._record(snapshot, item), latest.values()))
        self.table.put_many(records)

    def _record(self, snapshot: Snapshot, item: UpsertItemRequest) -> dict[str, Any]:
        record: dict[str, Any] = {"pk": f"SNAP#{snapshot.id}", "sk": f"ITEM#{item.external_item_id}"}
        record |= item.to_json_dict()
        if len(item.content.encode()) > INLINE_CONTENT_LIMIT:
            # A key of its own per page sent: two pages racing with one id never mix their fields.
            key = snapshot_content_key(snapshot.tenant_id, snapshot.source_id, snapshot.id, new_id("content"))
            self.blobs.put_text(key, item.content)
            record |= {"content": "", "contentRef": key}
        return record

    def item_ids(self, snapshot_id: str) -> list[str]:
        """The ids sent into the snapshot, without reading their content."""
        records = self.table.query_attributes(f"SNAP#{snapshot_id}", "ITEM#", ["externalItemId"])
        return [r["externalItemId"] for r in records]

    def requests(self, snapshot_id: str, external_item_ids: list[str]) -> list[UpsertItemRequest]:
        """The items sent as `external_item_ids`, content loaded (from S3 where it was offloaded).
        Raises ContentGone when an object is gone (the snapshot was aborted meanwhile)."""
        records = self.table.batch_get([(f"SNAP#{snapshot_id}", f"ITEM#{i}") for i in external_item_ids])
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(self._request_of, records))

    def _request_of(self, record: dict[str, Any]) -> UpsertItemRequest:
        fields = {k: v for k, v in record.items() if k in _REQUEST_FIELDS}
        if record.get("contentRef"):
            try:
                fields["content"] = self.blobs.get_text(record["contentRef"])
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                    raise ContentGone(record["externalItemId"]) from error
                raise
        return UpsertItemRequest.model_validate(fields)

    def delete_items(self, snapshot: Snapshot) -> None:
        records = self.table.query_all(f"SNAP#{snapshot.id}", "ITEM#")
        self.table.delete_many([(record["pk"], record["sk"]) for record in records])
        prefix = f"{source_prefix(snapshot.tenant_id, snapshot.source_id)}snapshots/{snapshot.id}/"
        self.blobs.delete(self.blobs.list_keys(prefix))
