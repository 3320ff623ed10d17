"""The staging set and its change log. Each change is logged under the source's current staging
epoch; the writer then re-reads the epoch and logs again if a run closed it meanwhile. A run
closes an epoch before it reads the log, so every change is seen by the run that closes its
epoch or by a later one (single-item writes and consistent reads are linearizable; no
transaction is needed, which keeps batch writes cheap)."""

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kb.blobs import BlobStore, content_key, sections_key
from kb.cursors import Listing
from kb.files.models import DocumentSection
from kb.ids import new_id
from kb.items.models import ItemFilter, ItemVersion, StagedItem, storable_id
from kb.quotas import TenantQuotas, Usage, usage_key
from kb.sources.models import Source
from kb.sources.repository import StagingListener, source_key
from kb.storage import Table, deserialize

# DynamoDB items stop at 400 KB; bigger content lives in S3, one object per write, and so do
# sections bigger than their own limit (as JSON: a long PDF has a section per page and heading).
# With the other fields' 64 KiB the record stays far below 400 KB.
INLINE_CONTENT_LIMIT = 100 * 1024
INLINE_SECTIONS_LIMIT = 32 * 1024


def group_size(checks: int) -> int:
    """Writes per transaction: 100 actions, less the epoch check, `checks`, the group's one
    change-log record and the tenant's usage."""
    return 100 - 1 - checks - 1 - 1


_NOT_LOADED = "\u2026"
_OWN_CONTENT = re.compile(r"/content/[0-9a-f]{32}/[^/]+\.(txt|json)$")


@dataclass(frozen=True)
class PendingWrite:
    """A staging write, prepared: the item as it will be stored, the record and its condition."""

    item: StagedItem
    previous: StagedItem | None
    record: dict[str, Any]
    condition: dict[str, Any]
    offloaded: bool  # this write put the content in S3 (forget it if the write does not land)
    offloaded_sections: bool = False  # and the sections
    usage: Usage = field(default_factory=Usage)  # how the write moves the tenant's usage (kb.quotas)


def usage_of(item: StagedItem | None) -> Usage:
    """What an item counts against its tenant's quotas: active items only (a tombstone, missing
    since a snapshot, is on its way out, and a purged one stays in the staging set as missing)."""
    if item is None or item.state != "active":
        return Usage()
    if item.stored_bytes is not None:
        return Usage(1, item.stored_bytes)
    return Usage(1, 0 if item.content_ref is not None else len(item.content.encode()))


def _cancellation_reasons(error: Exception) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = getattr(error, "response", {}).get("CancellationReasons", [])
    return reasons


class StagingConflict(Exception):
    """The item changed between our read and our write."""


class ContentGone(Exception):
    """The offloaded content of the record we read was replaced meanwhile: read the record again."""


def change_key(source_id: str, epoch: int, external_item_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"CHG#{epoch:010d}#{external_item_id}"}


def change_group_key(source_id: str, epoch: int, group_id: str) -> dict[str, str]:
    """One change-log record naming every id a transaction wrote (in its `ids`): "/" is never
    part of an externalItemId, so a group's key never meets an item's."""
    return {"pk": f"SOURCE#{source_id}", "sk": f"CHG#{epoch:010d}#/{group_id}"}


# What a listing shows and filters on: never the content (up to 100 KiB a record).
_SUMMARY_FIELDS = [
    "externalItemId",
    "sourceId",
    "title",
    "url",
    "tags",
    "contentHash",
    "state",
    "version",
    "missingSince",
    "createdAt",
    "updatedAt",
]


def _summary_item(record: dict[str, Any]) -> StagedItem:
    """An item read for a listing: its content is not loaded (a placeholder)."""
    return StagedItem.model_validate({**record, "content": _NOT_LOADED})


def _changes_from(epoch: int) -> str:
    return f"CHG#{epoch:010d}#"


def _changes_through(epoch: int) -> str:
    """Above every change key of `epoch`: "$" sorts right after "#", whatever the id holds
    (a "\\uffff" bound would miss ids starting above U+FFFF, whose UTF-8 sorts higher)."""
    return f"CHG#{epoch:010d}$"


class ItemRepository:
    def __init__(
        self,
        table: Table,
        blobs: BlobStore,
        listener: StagingListener | None = None,
        quotas: TenantQuotas | None = None,
    ) -> None:
        self.table = table
        self.blobs = blobs
        # Every write that changes the tenant's usage moves it in the same transaction.
        self.quotas = quotas or TenantQuotas()
        # Told after staging writes (kb.items.service.notify_staged): auto publishing hooks in here.
        self.listener = listener

    @staticmethod
    def _parse(record: dict[str, Any]) -> StagedItem:
        """Offloaded content (and sections) are loaded only on demand (with_content); until then a
        placeholder (and no sections)."""
        if record.get("contentRef"):
            record = {**record, "content": _NOT_LOADED}
        if record.get("sectionsRef"):
            record = {**record, "sections": []}
        return StagedItem.model_validate(record)

    def get(self, source_id: str, external_item_id: str) -> StagedItem | None:
        if not storable_id(external_item_id):
            return None  # no such key can exist (DynamoDB would refuse to look it up)
        record = self.table.get(f"SOURCE#{source_id}", f"ITEM#{external_item_id}")
        return self._parse(record) if record else None

    def get_many(self, source_id: str, external_item_ids: list[str]) -> dict[str, StagedItem]:
        keys = [(f"SOURCE#{source_id}", f"ITEM#{i}") for i in external_item_ids if storable_id(i)]
        records = self.table.batch_get(keys)
        items = (self._parse(r) for r in records)
        return {item.external_item_id: item for item in items}

    def versions_of(self, source_id: str, external_item_ids: list[str]) -> dict[str, ItemVersion]:
        """What a run compares of each item (state, content hash, missing since), read without
        the rest of the record: a run of 20,000 changed items need not read their contents."""
        keys = [(f"SOURCE#{source_id}", f"ITEM#{i}") for i in external_item_ids if storable_id(i)]
        records = self.table.batch_get(keys, ("externalItemId", "state", "contentHash", "missingSince"))
        return {
            r["externalItemId"]: ItemVersion(r.get("state", "active"), r["contentHash"], r.get("missingSince"))
            for r in records
        }

    def content_of(self, item: StagedItem) -> str:
        if item.content_ref is None:
            return item.content
        try:
            return self.blobs.get_text(item.content_ref)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ContentGone(item.external_item_id) from error
            raise

    def sections_of(self, item: StagedItem) -> list[DocumentSection]:
        if item.sections_ref is None:
            return item.sections
        try:
            stored = self.blobs.get_json(item.sections_ref)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ContentGone(item.external_item_id) from error
            raise
        return [DocumentSection.model_validate(section) for section in stored]

    def with_content(self, item: StagedItem) -> StagedItem:
        """The item with its offloaded content and sections loaded."""
        loaded: dict[str, Any] = {}
        if item.content_ref is not None:
            loaded["content"] = self.content_of(item)
        if item.sections_ref is not None:
            loaded["sections"] = self.sections_of(item)
        return item.model_copy(update=loaded) if loaded else item

    def write(self, source: Source, item: StagedItem, previous: StagedItem | None) -> StagedItem:
        """Stage `item` if the record is still the version we read (`previous`), log the change in
        `source`'s epoch, and return the item as stored. Content over INLINE_CONTENT_LIMIT goes to
        S3 under a key of its own write, so the content a replaced record pointed to belongs to no
        other record and is deleted once the replacement has landed."""
        pending = self.prepare(source, item, previous)
        if pending.usage:
            self._write_counted(source, pending)
            self.log_change(source.id, source.staging_epoch, item.external_item_id)
            return self.landed(pending)
        try:
            self.table.put(pending.record, **pending.condition)
        except ClientError as error:
            # A retried request whose first attempt landed fails its own condition: check.
            if not self.table.is_condition_failure(error) or not self._stored(pending):
                self.abandon(pending)
                if self.table.is_condition_failure(error):
                    raise StagingConflict() from error
                raise
        self.log_change(source.id, source.staging_epoch, item.external_item_id)
        return self.landed(pending)

    def _write_counted(self, source: Source, pending: "PendingWrite") -> None:
        """The item's record and the tenant's usage, in one transaction (a token makes a retried
        request apply once): QuotaExceeded, or StagingConflict, and then nothing was written."""
        try:
            usage = self.quotas.operation(source.tenant_id, pending.usage)
        except Exception:
            self.abandon(pending)
            raise
        try:
            self.table.transact_items([self._put_operation(pending), usage], token=new_id("txn"))
        except Exception as error:
            reasons = _cancellation_reasons(error)
            codes = [reason.get("Code") for reason in reasons]
            if len(codes) == 2 and codes[1] == "ConditionalCheckFailed":
                self.abandon(pending)
                raise self._refused(source.tenant_id, pending.usage, reasons[1]) from error
            if codes and ("ConditionalCheckFailed" in codes or "TransactionConflict" in codes):
                self.abandon(pending)
                raise StagingConflict() from error
            if self._stored(pending):
                return  # it landed, and only the answer was lost
            self.abandon(pending)
            raise

    def _refused(self, tenant_id: str, delta: Usage, reason: dict[str, Any]) -> Exception:
        key = usage_key(tenant_id)
        record = deserialize(reason["Item"]) if reason.get("Item") else self.table.get(key["pk"], key["sk"])
        return self.quotas.refused(tenant_id, delta, record)

    @staticmethod
    def _put_operation(pending: "PendingWrite") -> dict[str, Any]:
        put: dict[str, Any] = {"Item": pending.record, "ConditionExpression": pending.condition["condition"]}
        if "names" in pending.condition:
            put["ExpressionAttributeNames"] = pending.condition["names"]
        if "values" in pending.condition:
            put["ExpressionAttributeValues"] = pending.condition["values"]
        return {"Put": put}

    def write_group(self, source: Source, group: list["PendingWrite"], checks: list[dict[str, Any]]) -> None:
        """Many prepared writes in one transaction with one change-log record naming them all, on
        the condition that `source`'s staging epoch is still open (so no run can have read the log
        before the record landed; at most `group_size` writes: a transaction holds 100 actions).
        All land or none does: on an error the new content is forgotten and the caller writes them
        one by one (`write`). A request token makes a retried transaction apply once. `checks`
        are further ConditionChecks the transaction carries (a group is then that much smaller)."""
        epoch_open = {
            "ConditionCheck": {
                "Key": source_key(source.tenant_id, source.id),
                "ConditionExpression": "stagingEpoch = :epoch",
                "ExpressionAttributeValues": {":epoch": source.staging_epoch},
            }
        }
        operations: list[dict[str, Any]] = [epoch_open, *checks]
        operations += [self._put_operation(pending) for pending in group]
        usage = sum((pending.usage for pending in group), Usage())
        if usage:  # one more action: groups are sized for it (group_size)
            try:
                operations.append(self.quotas.operation(source.tenant_id, usage))
            except Exception:
                for pending in group:
                    self.abandon(pending)
                raise
        if group:
            logged = [pending.item.external_item_id for pending in group]
            operations.append(
                {"Put": {"Item": {**change_group_key(source.id, source.staging_epoch, new_id("chg")), "ids": logged}}}
            )
        try:
            self.table.transact_items(operations, token=new_id("txn"))
        except Exception:
            if not group or not self._stored(group[0]):  # all or nothing: one tells for all
                for pending in group:
                    self.abandon(pending)
                raise
        for pending in group:
            self.landed(pending)

    def _stored(self, pending: "PendingWrite") -> bool:
        """Whether the record as stored is the one `pending` wrote."""
        record = self.table.get(pending.record["pk"], pending.record["sk"])
        fields = ("version", "updatedAt", "contentHash", "state", "contentRef", "sectionsRef")
        return record is not None and all(record.get(f) == pending.record.get(f) for f in fields)

    def prepare(self, source: Source, item: StagedItem, previous: StagedItem | None) -> "PendingWrite":
        """The record to write for `item` (its content offloaded if big) and its condition."""
        version = previous.version + 1 if previous else 1
        stored_bytes = 0
        if item.state != "deleted":  # a tombstone keeps its size: it counts again if restored
            carried = item.content_ref is not None  # unchanged content, kept where it was
            stored_bytes = usage_of(previous).bytes if carried else len(item.content.encode())
        record: dict[str, Any] = {
            "pk": f"SOURCE#{item.source_id}",
            "sk": f"ITEM#{item.external_item_id}",
            **item.to_json_dict(),
            "epoch": source.staging_epoch,
            "version": version,
            "storedBytes": stored_bytes,
        }
        content_ref = item.content_ref
        if item.state == "deleted":
            content_ref = None  # a deleted item's content is never read again
            record["content"] = _NOT_LOADED
        elif content_ref is not None:
            record["content"] = ""  # unchanged content, still where the record we read kept it
        elif len(item.content.encode()) > INLINE_CONTENT_LIMIT:
            content_ref = content_key(source.tenant_id, source.id, item.external_item_id, new_id("content"))
            self.blobs.put_text(content_ref, item.content)
            record["content"] = ""
        if content_ref is not None:
            record["contentRef"] = content_ref
        sections_ref = self._sections_ref(source, item, record)
        condition: dict[str, Any] = {"condition": "attribute_not_exists(pk)"}
        if previous is not None:
            condition = {"condition": "version = :version", "values": {":version": previous.version}}
            if previous.version == 0:  # written before records had versions
                condition = {
                    "condition": "(attribute_not_exists(version) OR version = :zero) AND contentHash = :hash"
                    " AND #state = :state",
                    "names": {"#state": "state"},
                    "values": {":zero": 0, ":hash": previous.content_hash_value, ":state": previous.state},
                }
        stored = item.model_copy(
            update={
                "content_ref": content_ref,
                "sections_ref": sections_ref,
                "version": version,
                "stored_bytes": stored_bytes,
            }
        )
        return PendingWrite(
            stored,
            previous,
            record,
            condition,
            content_ref != item.content_ref,
            sections_ref != item.sections_ref,
            usage_of(stored) - usage_of(previous),
        )

    def _sections_ref(self, source: Source, item: StagedItem, record: dict[str, Any]) -> str | None:
        """Where `record`'s sections are kept when not inline (and `record` says so)."""
        sections_ref = item.sections_ref
        if item.state == "deleted":
            sections_ref = None  # never read again, like its content
            record["sections"] = []
        elif sections_ref is None and item.sections:
            layout = [section.to_json_dict() for section in item.sections]
            if len(json.dumps(layout, ensure_ascii=False, separators=(",", ":")).encode()) > INLINE_SECTIONS_LIMIT:
                sections_ref = sections_key(source.tenant_id, source.id, item.external_item_id, new_id("sections"))
                self.blobs.put_json(sections_ref, layout)
        if sections_ref is not None:
            record["sections"] = []  # in S3: kept there while unchanged
            record["sectionsRef"] = sections_ref
        return sections_ref

    def abandon(self, pending: "PendingWrite") -> None:
        """A write that did not land: content it offloaded is referenced by no record."""
        if pending.offloaded:
            self._forget(pending.item.content_ref)
        if pending.offloaded_sections:
            self._forget(pending.item.sections_ref)

    def landed(self, pending: "PendingWrite") -> StagedItem:
        """A write that landed: the content the replaced record named is nobody's now."""
        previous = pending.previous
        if previous is not None and previous.content_ref not in (None, pending.item.content_ref):
            self._forget(previous.content_ref)
        if previous is not None and previous.sections_ref not in (None, pending.item.sections_ref):
            self._forget(previous.sections_ref)
        return pending.item

    def _forget(self, content_ref: str | None) -> None:
        """Best effort: content no record refers to any more (a leftover costs storage, not data).
        Only objects of one write each: content stored by hash, as before, may be shared."""
        if content_ref is not None and _OWN_CONTENT.search(content_ref):
            with contextlib.suppress(BotoCoreError, ClientError):
                self.blobs.delete([content_ref])

    def log_change(self, source_id: str, epoch: int, external_item_id: str) -> None:
        self.table.put(change_key(source_id, epoch, external_item_id))

    def log_changes(self, source_id: str, epoch: int, external_item_ids: list[str]) -> None:
        self.table.put_many([change_key(source_id, epoch, item_id) for item_id in external_item_ids])

    def page(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None
    ) -> tuple[list[StagedItem], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}", "ITEM#", limit, cursor, listing=Listing(tenant_id, f"items:{source_id}")
        )
        return [self._parse(r) for r in records], next_cursor

    def page_matching(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None, item_filter: ItemFilter
    ) -> tuple[list[StagedItem], str | None]:
        """A page of the items `item_filter` accepts (deleted ones never), in id order."""
        records, next_cursor = self.table.query_matching(
            f"SOURCE#{source_id}",
            "ITEM#",
            limit,
            cursor,
            lambda record: item_filter.accepts(_summary_item(record)),
            listing=Listing(tenant_id, f"items:{source_id}\n{item_filter.key()}"),
            attributes=_SUMMARY_FIELDS,
        )
        return [_summary_item(r) for r in records], next_cursor

    def states(self, source_id: str) -> dict[str, str]:
        """externalItemId -> state of every staged item, without reading any content."""
        records = self.table.query_attributes(f"SOURCE#{source_id}", "ITEM#", ["externalItemId", "state"])
        return {r["externalItemId"]: r.get("state", "active") for r in records}

    def content_refs(self, source_id: str) -> set[str]:
        """Every S3 object a staged item's record names (content, sections), without reading any."""
        records = self.table.query_attributes(f"SOURCE#{source_id}", "ITEM#", ["contentRef", "sectionsRef"])
        return {r[name] for r in records for name in ("contentRef", "sectionsRef") if r.get(name)}

    def list_all(self, source_id: str) -> list[StagedItem]:
        return [self._parse(r) for r in self.table.query_all(f"SOURCE#{source_id}", "ITEM#")]

    def changed_between(self, source_id: str, after_epoch: int, up_to_epoch: int) -> set[str]:
        """The externalItemIds changed in epochs (after_epoch, up_to_epoch]."""
        if up_to_epoch <= after_epoch:
            return set()
        records = self.table.query_range(
            f"SOURCE#{source_id}", _changes_from(after_epoch + 1), _changes_through(up_to_epoch)
        )
        changed: set[str] = set()
        for record in records:
            if "ids" in record:  # a transaction's group record
                changed.update(record["ids"])
            else:
                changed.add(record["sk"].split("#", 2)[2])
        return changed

    def changed_after(self, source_id: str, epoch: int) -> bool:
        return self.table.exists_in_range(f"SOURCE#{source_id}", _changes_from(epoch + 1), "CHG$")
