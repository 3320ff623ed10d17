"""The staging set and its change log. Each change is logged under the source's current staging
epoch; the writer then re-reads the epoch and logs again if a run closed it meanwhile. A run
closes an epoch before it reads the log, so every change is seen by the run that closes its
epoch or by a later one (single-item writes and consistent reads are linearizable; no
transaction is needed, which keeps batch writes cheap)."""

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from kb.blobs import BlobStore, content_key
from kb.cursors import Listing
from kb.items.models import StagedItem
from kb.sources.models import Source
from kb.storage import Table

# DynamoDB items stop at 400 KB; bigger content lives in S3 under its hash.
INLINE_CONTENT_LIMIT = 100 * 1024
_NOT_LOADED = "\u2026"


class StagingConflict(Exception):
    """The item changed between our read and our write."""


def change_key(source_id: str, epoch: int, external_item_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"CHG#{epoch:010d}#{external_item_id}"}


class ItemRepository:
    def __init__(self, table: Table, blobs: BlobStore) -> None:
        self.table = table
        self.blobs = blobs

    @staticmethod
    def _parse(record: dict[str, Any]) -> StagedItem:
        """Offloaded content is loaded only on demand (with_content); until then a placeholder."""
        if record.get("contentRef"):
            record = {**record, "content": _NOT_LOADED}
        return StagedItem.model_validate(record)

    def get(self, source_id: str, external_item_id: str) -> StagedItem | None:
        record = self.table.get(f"SOURCE#{source_id}", f"ITEM#{external_item_id}")
        return self._parse(record) if record else None

    def get_many(self, source_id: str, external_item_ids: list[str]) -> dict[str, StagedItem]:
        records = self.table.batch_get([(f"SOURCE#{source_id}", f"ITEM#{i}") for i in external_item_ids])
        items = (self._parse(r) for r in records)
        return {item.external_item_id: item for item in items}

    def content_of(self, item: StagedItem) -> str:
        if item.content_ref is None:
            return item.content
        return self.blobs.get_text(item.content_ref)

    def with_content(self, item: StagedItem) -> StagedItem:
        return item if item.content_ref is None else item.model_copy(update={"content": self.content_of(item)})

    def write(self, source: Source, item: StagedItem, previous_hash: str | None, previous_state: str | None) -> None:
        """Stage `item` if it is still as we read it, and log the change in `source`'s epoch."""
        record: dict[str, Any] = {
            "pk": f"SOURCE#{item.source_id}",
            "sk": f"ITEM#{item.external_item_id}",
            **item.to_json_dict(),
            "epoch": source.staging_epoch,
        }
        encoded = item.content.encode()
        if len(encoded) > INLINE_CONTENT_LIMIT:
            key = content_key(source.tenant_id, source.id, hashlib.sha256(encoded).hexdigest())
            self.blobs.put_text(key, item.content)
            record |= {"content": "", "contentRef": key}
        item_condition: dict[str, Any] = {"condition": "attribute_not_exists(pk)"}
        if previous_hash is not None:
            item_condition = {
                "condition": "contentHash = :hash AND #state = :state",
                "names": {"#state": "state"},
                "values": {":hash": previous_hash, ":state": previous_state},
            }
        try:
            self.table.put(record, **item_condition)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise StagingConflict() from error
            raise
        self.log_change(source.id, source.staging_epoch, item.external_item_id)

    def log_change(self, source_id: str, epoch: int, external_item_id: str) -> None:
        self.table.put(change_key(source_id, epoch, external_item_id))

    def page(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None
    ) -> tuple[list[StagedItem], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}", "ITEM#", limit, cursor, listing=Listing(tenant_id, f"items:{source_id}")
        )
        return [StagedItem.model_validate(r) for r in records], next_cursor

    def list_all(self, source_id: str) -> list[StagedItem]:
        return [StagedItem.model_validate(r) for r in self.table.query_all(f"SOURCE#{source_id}", "ITEM#")]

    def changed_between(self, source_id: str, after_epoch: int, up_to_epoch: int) -> set[str]:
        """The externalItemIds changed in epochs (after_epoch, up_to_epoch]."""
        if up_to_epoch <= after_epoch:
            return set()
        records = self.table.query_range(
            f"SOURCE#{source_id}", f"CHG#{after_epoch + 1:010d}#", f"CHG#{up_to_epoch:010d}#\uffff"
        )
        return {r["sk"].split("#", 2)[2] for r in records}

    def changed_after(self, source_id: str, epoch: int) -> bool:
        records = self.table.query_range(f"SOURCE#{source_id}", f"CHG#{epoch + 1:010d}#", "CHG#\uffff")
        return bool(records)
