"""Where moto's server differs from AWS in a way our tests would trip over, and the fix.

moto's DynamoDB backend is not thread-safe: TransactWriteItems deep-copies the tables for its
rollback while other request threads insert items ("dictionary changed size during iteration"),
and queries iterate dicts that concurrent puts grow. AWS serves concurrent requests safely, so
the local stack serializes DynamoDB requests inside moto. Conditional writes and transactions
keep their meaning: serialized requests are one of the orders AWS could have applied them in."""

import functools
import threading
from typing import Any

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
