from botocore.exceptions import ClientError

from kb.items.models import UpsertItemRequest
from kb.snapshots.models import Snapshot
from kb.storage import Table


class SnapshotStateConflict(Exception):
    """The snapshot was not in the state the write required."""


def snapshot_key(source_id: str, snapshot_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"SNAPSHOT#{snapshot_id}"}


class SnapshotRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

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

    def add_item(self, snapshot: Snapshot, item: UpsertItemRequest) -> None:
        self.table.put({"pk": f"SNAP#{snapshot.id}", "sk": f"ITEM#{item.external_item_id}", **item.to_json_dict()})

    def items(self, snapshot_id: str) -> list[UpsertItemRequest]:
        records = self.table.query_all(f"SNAP#{snapshot_id}", "ITEM#")
        fields = set(UpsertItemRequest.model_fields) | {
            f.alias for f in UpsertItemRequest.model_fields.values() if f.alias
        }
        return [UpsertItemRequest.model_validate({k: v for k, v in r.items() if k in fields}) for r in records]

    def delete_items(self, snapshot_id: str) -> None:
        for record in self.table.query_all(f"SNAP#{snapshot_id}", "ITEM#"):
            self.table.delete(record["pk"], record["sk"])
