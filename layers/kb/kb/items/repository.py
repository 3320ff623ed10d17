from botocore.exceptions import ClientError

from kb.items.models import StagedItem
from kb.storage import Table


class StaleItemWrite(Exception):
    """Another writer changed the item between our read and our write."""


class ItemRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, source_id: str, external_item_id: str) -> StagedItem | None:
        record = self.table.get(f"SOURCE#{source_id}", f"ITEM#{external_item_id}")
        return StagedItem.model_validate(record) if record else None

    def put_if_unchanged(self, item: StagedItem, previous_hash: str | None) -> None:
        """Write only if the stored item is still the one we read (optimistic concurrency)."""
        record = {"pk": f"SOURCE#{item.source_id}", "sk": f"ITEM#{item.external_item_id}", **item.to_json_dict()}
        try:
            if previous_hash is None:
                self.table.put(record, condition="attribute_not_exists(pk)")
            else:
                self.table.put(record, condition="contentHash = :prev", values={":prev": previous_hash})
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise StaleItemWrite() from error
            raise

    def list_all(self, source_id: str) -> list[StagedItem]:
        return [StagedItem.model_validate(r) for r in self.table.query_all(f"SOURCE#{source_id}", "ITEM#")]
