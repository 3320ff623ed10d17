"""The local stack writes moto's DynamoDB read answers as plain JSON (local/emulator_fixes.py): a
client parses exactly what moto's own shape walk would have given it."""

from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoResult

from local import emulator_fixes

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]
# Every attribute type DynamoDB has, binary ones included (base64 on the wire).
ITEM = {
    "n": {"N": "3.5"},
    "b": {"B": b"\x00\x01"},
    "bs": {"BS": [b"\x02", b"\x03"]},
    "l": {"L": [{"S": "x"}, {"NULL": True}]},
    "m": {"M": {"q": {"BOOL": False}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "e": {"S": ""},
}


def _reads() -> list[dict[str, Any]]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="t", KeySchema=KEY, AttributeDefinitions=ATTRIBUTES, BillingMode="PAY_PER_REQUEST"
        )
        for n in range(5):
            dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": str(n)}, **ITEM})
        key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
        by_pk = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}}
        answers = [
            dynamodb.get_item(TableName="t", Key=key, ReturnConsumedCapacity="TOTAL"),
            dynamodb.get_item(TableName="t", Key={**key, "sk": {"S": "9"}}),
            dynamodb.batch_get_item(RequestItems={"t": {"Keys": [key, {**key, "pk": {"S": "z"}}]}}),
            dynamodb.query(TableName="t", Limit=2, **by_pk),
            dynamodb.query(TableName="t", ScanIndexForward=False, ExclusiveStartKey=key, **by_pk),
            dynamodb.query(TableName="t", Select="COUNT", **by_pk),
            dynamodb.scan(TableName="t", Limit=3),
        ]
    for answer in answers:
        answer.pop("ResponseMetadata")
    return answers


def test_reads_written_as_plain_json_parse_as_moto_writes_them(monkeypatch: pytest.MonkeyPatch):
    # Given what a client parses from moto's own answers to every kind of read
    monkeypatch.setattr(DynamoResult, "execute_result", DynamoResult.execute_result)  # restored after
    walked = _reads()
    # When the same reads are answered with the fix installed
    emulator_fixes.dynamodb_reads_answer_plain_json()
    plain = _reads()
    # Then the client parses the same answers (items, binary values, keys, counts, capacity)
    assert DynamoResult.execute_result._kb_plain  # type: ignore[attr-defined]
    assert plain == walked
    assert plain[0]["Item"]["b"] == {"B": b"\x00\x01"} and plain[3]["LastEvaluatedKey"] == {
        "pk": {"S": "a"},
        "sk": {"S": "1"},
    }
