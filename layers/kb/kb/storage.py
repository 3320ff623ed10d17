"""A small typed wrapper over the DynamoDB client: plain dicts in and out, numbers kept exact."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from kb.cursors import CursorCodec, Listing, invalid_cursor

_INTEGER_LIMIT = Decimal(10) ** 38
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Integral numbers of at most 38 digits are the integers written; a bigger integral one was
        # written as a float (1.5e40), and is read back as one.
        integral = value == value.to_integral_value() and abs(value) < _INTEGER_LIMIT
        return int(value) if integral else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def encode_cursor(codec: CursorCodec | None, last_key: dict[str, Any] | None, listing: Listing) -> str | None:
    """The signed cursor of the page after `last_key` (DynamoDB's LastEvaluatedKey), or None."""
    if not last_key:
        return None
    return _codec(codec).encode(deserialize(last_key), listing)


def decode_cursor(
    codec: CursorCodec | None, cursor: str | None, listing: Listing, key_names: tuple[str, ...], pk: str, sk_prefix: str
) -> dict[str, Any] | None:
    """The ExclusiveStartKey a cursor carries, checked against the query it must continue: even a
    correctly signed cursor never reaches DynamoDB with a key of the wrong shape."""
    if not cursor:
        return None
    raw = _codec(codec).decode(cursor, listing)
    pk_name, sk_name = key_names[0], key_names[1]
    if (
        set(raw) != set(key_names)
        or not all(isinstance(value, str) for value in raw.values())
        or raw[pk_name] != pk
        or not raw[sk_name].startswith(sk_prefix)
    ):
        raise invalid_cursor()
    return serialize(raw)


def _codec(codec: CursorCodec | None) -> CursorCodec:
    if codec is None:
        raise RuntimeError("this Table was built without a cursor codec")
    return codec


class Table:
    def __init__(self, client: Any, name: str, cursors: CursorCodec | None = None) -> None:
        self.client = client
        self.name = name
        self.cursors = cursors

    def get(self, pk: str, sk: str, consistent: bool = True) -> dict[str, Any] | None:
        reply = self.client.get_item(
            TableName=self.name, Key=serialize({"pk": pk, "sk": sk}), ConsistentRead=consistent
        )
        return deserialize(reply["Item"]) if "Item" in reply else None

    def put(self, item: dict[str, Any], condition: str | None = None, **expr: Any) -> None:
        args: dict[str, Any] = {"TableName": self.name, "Item": serialize(item)}
        if condition:
            args["ConditionExpression"] = condition
        self.client.put_item(**args, **_expression_args(**expr))

    def update(self, pk: str, sk: str, update: str, condition: str | None = None, **expr: Any) -> None:
        args: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize({"pk": pk, "sk": sk}),
            "UpdateExpression": update,
        }
        if condition:
            args["ConditionExpression"] = condition
        self.client.update_item(**args, **_expression_args(**expr))

    def update_returning(
        self, pk: str, sk: str, update: str, condition: str | None = None, **expr: Any
    ) -> dict[str, Any]:
        args: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize({"pk": pk, "sk": sk}),
            "UpdateExpression": update,
            "ReturnValues": "ALL_NEW",
        }
        if condition:
            args["ConditionExpression"] = condition
        reply = self.client.update_item(**args, **_expression_args(**expr))
        return deserialize(reply["Attributes"])

    def delete(self, pk: str, sk: str) -> None:
        self.client.delete_item(TableName=self.name, Key=serialize({"pk": pk, "sk": sk}))

    def query_prefix(
        self,
        pk: str,
        sk_prefix: str,
        limit: int | None = None,
        cursor: str | None = None,
        index: str | None = None,
        newest_first: bool = False,
        filter_expression: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        *,
        listing: Listing,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of items whose sort key starts with `sk_prefix` (on the table or on `index`,
        whose keys are <index>pk / <index>sk), and the cursor of the next page, bound to `listing`
        (a cursor from any other listing or tenant is InvalidCursor). A filter applies after
        `limit` items were read, so a filtered page may hold fewer."""
        pk_name, sk_name = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
        key_names = (pk_name, sk_name, "pk", "sk") if index else ("pk", "sk")
        # The query itself is part of the binding: one listing name cannot continue another query.
        query = f"{index or ''}\n{pk}\n{sk_prefix}\n{newest_first}\n{filter_expression or ''}\n{sorted((values or {}).items())}"
        bound = Listing(listing.tenant_id, f"{listing.name}\n{query}")
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": f"{pk_name} = :pk AND begins_with({sk_name}, :prefix)",
            "ExpressionAttributeValues": serialize({":pk": pk, ":prefix": sk_prefix, **(values or {})}),
            "ScanIndexForward": not newest_first,
        }
        if filter_expression:
            args["FilterExpression"] = filter_expression
        if names:
            args["ExpressionAttributeNames"] = names
        if index:
            args["IndexName"] = index
        else:
            args["ConsistentRead"] = True
        if limit:
            args["Limit"] = limit
        start = decode_cursor(self.cursors, cursor, bound, key_names, pk, sk_prefix)
        if start:
            args["ExclusiveStartKey"] = start
        reply = self.client.query(**args)
        items = [deserialize(i) for i in reply.get("Items", [])]
        return items, encode_cursor(self.cursors, reply.get("LastEvaluatedKey"), bound)

    def query_attributes(self, pk: str, sk_prefix: str, attributes: list[str]) -> list[dict[str, Any]]:
        """Every item whose sort key starts with `sk_prefix`, all pages, with only `attributes`
        (so listing a big partition does not read its content)."""
        names = {f"#a{i}": name for i, name in enumerate(attributes)}
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": serialize({":pk": pk, ":prefix": sk_prefix}),
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            reply = self.client.query(**args)
            items.extend(deserialize(i) for i in reply.get("Items", []))
            if "LastEvaluatedKey" not in reply:
                return items
            args["ExclusiveStartKey"] = reply["LastEvaluatedKey"]

    def exists_in_range(self, pk: str, sk_from: str, sk_to: str) -> bool:
        """Whether any item has sk_from <= sk <= sk_to (one key read, whatever the items hold)."""
        reply = self.client.query(
            TableName=self.name,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues=serialize({":pk": pk, ":low": sk_from, ":high": sk_to}),
            ProjectionExpression="pk, sk",
            ConsistentRead=True,
            Limit=1,
        )
        return bool(reply.get("Items"))

    def query_range(self, pk: str, sk_from: str, sk_to: str) -> list[dict[str, Any]]:
        """Every item with sk_from <= sk <= sk_to, all pages."""
        items: list[dict[str, Any]] = []
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": serialize({":pk": pk, ":low": sk_from, ":high": sk_to}),
            "ConsistentRead": True,
        }
        while True:
            reply = self.client.query(**args)
            items.extend(deserialize(i) for i in reply.get("Items", []))
            if "LastEvaluatedKey" not in reply:
                return items
            args["ExclusiveStartKey"] = reply["LastEvaluatedKey"]

    def query_matching(
        self,
        pk: str,
        sk_prefix: str,
        limit: int,
        cursor: str | None,
        keep: Callable[[dict[str, Any]], bool],
        *,
        listing: Listing,
        attributes: list[str] | None = None,
        read_budget: int = 2000,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Up to `limit` items under `sk_prefix` that `keep` accepts, reading at most
        `read_budget` items, and the cursor after the last one read when more may follow. The
        filter runs here, not in DynamoDB, so a page stops exactly after its last match: a page
        holds fewer than `limit` only when the budget ran out (its cursor then goes on from there).
        `listing` must name the filter too, so a cursor cannot continue another filter's pages.
        Only `attributes` (and the keys) of each item are read when given."""
        key_names = ("pk", "sk")
        projection: dict[str, Any] = {}
        if attributes:
            names = {f"#a{i}": name for i, name in enumerate(["pk", "sk", *attributes])}
            projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        start = decode_cursor(self.cursors, cursor, listing, key_names, pk, sk_prefix)
        kept: list[dict[str, Any]] = []
        read = 0
        last_key: dict[str, Any] | None = None
        while len(kept) < limit and read < read_budget:
            args: dict[str, Any] = {
                "TableName": self.name,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                "ExpressionAttributeValues": serialize({":pk": pk, ":prefix": sk_prefix}),
                "ConsistentRead": True,
                "Limit": min(max(limit * 2, 100), read_budget - read),
                **projection,
            }
            if start:
                args["ExclusiveStartKey"] = start
            reply = self.client.query(**args)
            records = reply.get("Items", [])
            for position, raw in enumerate(records, start=1):
                read += 1
                item = deserialize(raw)
                last_key = {"pk": raw["pk"], "sk": raw["sk"]}
                if keep(item):
                    kept.append(item)
                    if len(kept) == limit:
                        if position == len(records) and not reply.get("LastEvaluatedKey"):
                            return kept, None  # full on the listing's last item: no empty page after it
                        break
            else:
                start = reply.get("LastEvaluatedKey")
                if not start:
                    return kept, None  # the whole listing was read
                last_key = start
                continue
            break  # the page is full, mid-reply
        return kept, encode_cursor(self.cursors, last_key, listing)

    def batch_get(self, keys: list[tuple[str, str]], attributes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Strongly consistent reads of up to any number of keys, 100 per request; with
        `attributes`, only those of each item (a projection: less to send and parse)."""
        found: list[dict[str, Any]] = []
        projection: dict[str, Any] = {}
        if attributes:
            names = {f"#a{i}": name for i, name in enumerate(attributes)}
            projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        for start in range(0, len(keys), 100):
            request = {
                self.name: {
                    "Keys": [serialize({"pk": pk, "sk": sk}) for pk, sk in keys[start : start + 100]],
                    "ConsistentRead": True,
                    **projection,
                }
            }
            while request:
                reply = self.client.batch_get_item(RequestItems=request)
                found.extend(deserialize(i) for i in reply["Responses"].get(self.name, []))
                request = reply.get("UnprocessedKeys") or {}
        return found

    def query_all(self, pk: str, sk_prefix: str) -> list[dict[str, Any]]:
        """Every item whose sort key starts with `sk_prefix`, all pages (no cursor leaves here)."""
        items: list[dict[str, Any]] = []
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": serialize({":pk": pk, ":prefix": sk_prefix}),
            "ConsistentRead": True,
        }
        while True:
            reply = self.client.query(**args)
            items.extend(deserialize(i) for i in reply.get("Items", []))
            if "LastEvaluatedKey" not in reply:
                return items
            args["ExclusiveStartKey"] = reply["LastEvaluatedKey"]

    def put_many(self, items: list[dict[str, Any]]) -> None:
        """Unconditional puts, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed."""
        self._batch_write([{"PutRequest": {"Item": serialize(i)}} for i in items])

    def delete_many(self, keys: list[tuple[str, str]]) -> None:
        """Unconditional deletes, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed."""
        self._batch_write([{"DeleteRequest": {"Key": serialize({"pk": pk, "sk": sk})}} for pk, sk in keys])

    def _batch_write(self, writes: list[dict[str, Any]]) -> None:
        for start in range(0, len(writes), 25):
            request: dict[str, Any] = {self.name: writes[start : start + 25]}
            while request:
                reply = self.client.batch_write_item(RequestItems=request)
                request = reply.get("UnprocessedItems") or {}

    def transact(self, operations: list[dict[str, Any]]) -> None:
        self.client.transact_write_items(TransactItems=operations)

    def transact_items(self, operations: list[dict[str, Any]], token: str | None = None) -> None:
        """A transaction of {"Put": {"Item": plain dict, ...}} / {"ConditionCheck"|"Update"|"Delete":
        {"Key": plain dict, ...}} operations, with plain values, on this table. With a `token`,
        DynamoDB applies a retried request once (its ClientRequestToken, valid for 10 minutes)."""
        args: dict[str, Any] = {"TransactItems": [self._typed(op) for op in operations]}
        if token:
            args["ClientRequestToken"] = token
        self.client.transact_write_items(**args)

    def _typed(self, operation: dict[str, Any]) -> dict[str, Any]:
        ((kind, body),) = operation.items()
        typed = {"TableName": self.name, **body}
        for field in ("Item", "Key", "ExpressionAttributeValues"):
            if field in typed:
                typed[field] = serialize(typed[field])
        return {kind: typed}

    def is_condition_failure(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


def _expression_args(names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if names:
        args["ExpressionAttributeNames"] = names
    if values:
        args["ExpressionAttributeValues"] = serialize(values)
    return args
