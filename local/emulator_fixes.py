"""Where moto's server differs from AWS in a way our tests would trip over, and the fix.

moto's DynamoDB backend is not thread-safe: TransactWriteItems deep-copies the tables for its
rollback while other request threads insert items ("dictionary changed size during iteration"),
and queries iterate dicts that concurrent puts grow. AWS serves concurrent requests safely, so
the local stack serializes DynamoDB requests inside moto. Conditional writes and transactions
keep their meaning: serialized requests are one of the orders AWS could have applied them in.

moto answers a Query on a table by sorting every item of the table and keeping the partition's
(`Table.all_items`), so a query costs O(table) where AWS's costs O(result). With a 20,000-item
source in the table, that turned a 10-item apply into seconds of sorting. The local stack hands
base-table queries the partition only; what they return is unchanged (moto sorts and pages the
candidates itself)."""

import functools
import threading
from typing import Any

from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

_LOCK = threading.RLock()


def serialize_dynamodb_requests() -> None:
    if getattr(DynamoHandler.call_action, "_kb_serialized", False):
        return
    original = DynamoHandler.call_action

    @functools.wraps(original)
    def call_action(self: Any) -> Any:
        with _LOCK:
            return original(self)

    call_action._kb_serialized = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def query_partitions_only() -> None:
    if getattr(Table.query, "_kb_partitioned", False):
        return
    original = Table.query

    @functools.wraps(original)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        with _LOCK:  # the instance attribute shadows all_items for this one call
            self.all_items = lambda: partition
            try:
                return original(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    query._kb_partitioned = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
