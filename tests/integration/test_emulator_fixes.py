"""The local stack's fixes to moto change its cost, never its answers."""

from moto.dynamodb.models.table import Table as MotoTable

from kb.cursors import CursorCodec, Listing
from kb.storage import Table
from local import emulator_fixes
from local.deploy import client


def test_base_table_queries_are_answered_from_their_partition_with_the_same_results(stack):
    # Given two partitions of the deployed table, with keys that sort around each other
    table = Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name, CursorCodec("k" * 32))
    listing = Listing("ten_fix", "fix")
    for n in range(7):
        table.put({"pk": "FIX#a", "sk": f"ITEM#{n}", "n": n})
        table.put({"pk": "FIX#b", "sk": f"ITEM#{n}", "n": 10 + n})
    table.put({"pk": "FIX#a", "sk": "OTHER#1"})
    # When one partition is queried by prefix, forwards and backwards, in pages of three
    forwards, cursor, pages = [], None, 0
    while True:
        page, cursor = table.query_prefix("FIX#a", "ITEM#", 3, cursor, listing=listing)
        forwards += page
        pages += 1
        if cursor is None:
            break
    backwards, _ = table.query_prefix("FIX#a", "ITEM#", None, None, newest_first=True, listing=listing)
    # Then the answers are exactly the partition's matching items, in order, paged as asked
    assert MotoTable.query._kb_partitioned  # type: ignore[attr-defined]
    assert [item["n"] for item in forwards] == list(range(7))
    assert pages == 3
    assert [item["n"] for item in backwards] == list(reversed(range(7)))
    assert table.query_prefix("FIX#c", "ITEM#", listing=listing)[0] == []


def test_queue_counts_are_what_moto_would_count(stack, monkeypatch):
    # Given a queue with two ready messages, one delayed and one received (in flight)
    monkeypatch.setattr(emulator_fixes, "COUNTS_TTL_SECONDS", 0.0)  # no reuse: read them fresh
    sqs = client("sqs", stack.info.moto_endpoint)
    url = sqs.create_queue(QueueName="emulator-fix-counts")["QueueUrl"]
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=60)
    # Then the approximate counts say so
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    assert [int(attributes[name]) for name in names] == [2, 1, 1]


def test_a_cancelled_transaction_leaves_every_item_as_it_was(stack):
    # Given an item, and a transaction that overwrites it, adds another, then fails a condition
    ddb = client("dynamodb", stack.info.moto_endpoint)
    table = Table(ddb, stack.info.table_name)
    table.put({"pk": "TX#1", "sk": "A", "v": 1})
    operations = [
        {"Put": {"TableName": table.name, "Item": {"pk": {"S": "TX#1"}, "sk": {"S": "A"}, "v": {"N": "2"}}}},
        {"Put": {"TableName": table.name, "Item": {"pk": {"S": "TX#1"}, "sk": {"S": "B"}, "v": {"N": "2"}}}},
        {
            "ConditionCheck": {
                "TableName": table.name,
                "Key": {"pk": {"S": "TX#1"}, "sk": {"S": "C"}},
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
    ]
    # When it is cancelled
    try:
        ddb.transact_write_items(TransactItems=operations)
        raise AssertionError("the transaction should have been cancelled")
    except ddb.exceptions.TransactionCanceledException:
        pass
    # Then nothing it wrote remains; and without the failing check it applies whole
    assert (table.get("TX#1", "A") or {}).get("v") == 1 and table.get("TX#1", "B") is None
    ddb.transact_write_items(TransactItems=operations[:2])
    assert [(table.get("TX#1", sk) or {}).get("v") for sk in ("A", "B")] == [2, 2]


def test_a_condition_parsed_before_is_decided_on_its_own_values(stack):
    # Given an item at version 1 and a condition expression the emulator has parsed before
    ddb = client("dynamodb", stack.info.moto_endpoint)
    table = Table(ddb, stack.info.table_name)
    table.put({"pk": "COND#1", "sk": "A", "version": 1})
    bump = "SET version = version + :one"

    def update(expected: int) -> bool:
        try:
            table.update("COND#1", "A", bump, condition="version = :v", values={":v": expected, ":one": 1})
        except ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # When the same expression is used with values that match, then do not, then match again
    outcomes = [update(1), update(1), update(2)]
    # Then each is decided on its values (the cached parse never carries values over)
    assert outcomes == [True, False, True] and (table.get("COND#1", "A") or {}).get("version") == 3
