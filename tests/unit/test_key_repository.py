"""The key repository's handling of DynamoDB's answers, over a table that answers as told."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from kb.keys.models import StoredApiKey
from kb.keys.repository import KeyChanged, KeyLimitReached, KeyRepository


def cancelled(*codes: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
            "CancellationReasons": [{"Code": code} for code in codes],
        },
        "TransactWriteItems",
    )


class ScriptedTable:
    """Raises the scripted errors in turn, then accepts; records each transaction."""

    def __init__(self, *errors: ClientError) -> None:
        self.errors = list(errors)
        self.transactions: list[list[dict[str, Any]]] = []

    def transact_items(self, operations: list[dict[str, Any]]) -> None:
        self.transactions.append(operations)
        if self.errors:
            raise self.errors.pop(0)


def a_key(version: int = 0) -> StoredApiKey:
    return StoredApiKey(
        id="0123456789abcdef",
        tenant_id="ten_1",
        name="k",
        scope="read",
        created_at="2026-01-01T00:00:00.000Z",
        secret_hash="0" * 64,
        version=version,
    )


def test_a_creation_that_met_another_transaction_is_tried_again():
    # Given DynamoDB cancelling the first two attempts for a conflict with a concurrent creation
    table = ScriptedTable(cancelled("TransactionConflict", "None"), cancelled("None", "TransactionConflict"))
    # When a key is created / Then it is written on the third attempt, as version 1
    created = KeyRepository(table).create(a_key(), max_keys=10)  # type: ignore[arg-type]
    assert (len(table.transactions), created.version) == (3, 1)


def test_a_creation_past_the_plan_is_not_tried_again():
    table = ScriptedTable(cancelled("ConditionalCheckFailed", "None"))
    with pytest.raises(KeyLimitReached):
        KeyRepository(table).create(a_key(), max_keys=1)  # type: ignore[arg-type]
    assert len(table.transactions) == 1


@pytest.mark.parametrize("reason", ["ConditionalCheckFailed", "TransactionConflict"])
def test_a_rewrite_that_did_not_happen_is_key_changed(reason):
    table = ScriptedTable(cancelled(reason))
    with pytest.raises(KeyChanged):
        KeyRepository(table).replace(a_key(version=3))  # type: ignore[arg-type]


def test_a_rewrite_is_conditioned_on_the_version_read_and_writes_the_next():
    table = ScriptedTable()
    written = KeyRepository(table).replace(a_key(version=3))  # type: ignore[arg-type]
    (put,) = (operation["Put"] for operation in table.transactions[0])
    assert put["ConditionExpression"] == "#version = :expected"
    assert (put["ExpressionAttributeValues"], put["Item"]["version"], written.version) == ({":expected": 3}, 4, 4)
