"""Where moto's server differs from AWS in a way our tests would trip over, and the fix.

moto's DynamoDB backend is not thread-safe: TransactWriteItems deep-copies the tables for its
rollback while other request threads insert items ("dictionary changed size during iteration"),
and queries iterate dicts that concurrent puts grow. AWS serves concurrent requests safely, so
the local stack serializes DynamoDB requests inside moto. Conditional writes and transactions
keep their meaning: serialized requests are one of the orders AWS could have applied them in.

moto answers a Query on a table by sorting every item of the table and keeping the partition's
(`Table.all_items`), so a query costs O(table) where AWS's costs O(result). With a 20,000-item
source in the table, that turned a 10-item apply into seconds of sorting. The local stack hands
base-table queries only the partition's items that pass the sort-key condition (moto's own test);
what they return is unchanged (moto sorts, tests again and pages the candidates itself).

moto's TransactWriteItems deep-copies every table it touches (once per operation) to roll back a
cancelled transaction: O(table) per transaction, 2 s of a 10-item apply on a 5,000-item source.
The local stack snapshots only the items the transaction names, and restores those on
cancellation; atomicity is unchanged (`tests/integration/test_emulator_fixes.py`).

moto parses a condition expression anew for every operation, three times per conditional write
of a transaction (validation, the condition check, the put), which made a conditional put cost
twice an unconditional one. AWS evaluates conditions server-side at no cost a client sees. The
local stack keeps parsed conditions, keyed by the expression and its names and values; the parsed
tree is immutable (built once, only evaluated), so what a condition decides is unchanged.

moto's SQS recomputes a queue's approximate message counts, walking every message, each time it
reads any queue attribute: on every SendMessage, and for every message a ReceiveMessage looks at
(O(queue²) per receive). A 20,000-item apply announces 20,000 events and never finished. AWS
documents these counts as approximate and eventually consistent; the local stack computes them in
one pass and reuses them for up to a second.

moto's S3 accepts a browser-form POST without checking its policy: any size, any key, after the
policy expired. S3 refuses such a POST (400 EntityTooLarge/EntityTooSmall for a body outside the
policy's content-length-range, 403 AccessDenied for an expired policy or another key), and
presigned uploads rely on it to bound what a client may send. The local stack checks the same
three conditions before moto stores the object.

moto 5.2 writes every DynamoDB response by walking the operation's output shape, trying several
spellings of every member of every attribute value (each value's ten possible types): a
BatchGetItem page of 100 items took about 30 ms of the emulator's CPU, and the reads of a first
apply (the run's and each build slice's BatchGetItem of every changed item) were most of its
time. AWS serves these reads server-side. The data-plane reads (GetItem, BatchGetItem, Query,
Scan), whose results moto already holds in wire form, are written as plain JSON (binary values in
base64, as the shape walk writes them); what a client parses is unchanged
(`tests/integration/test_emulator_fixes.py`)."""

import base64
import copy
import functools
import json
import threading
import time
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.s3.responses import S3Response
from moto.sqs.models import Queue

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
        range_comparison, range_values = (*args, None, None)[:2]
        if range_comparison:  # moto's own test of the sort key, applied before its sort, not after
            partition = [item for item in partition if item.range_key.compare(range_comparison, range_values)]
        with _LOCK:  # the instance attribute shadows all_items for this one call
            self.all_items = lambda: partition
            try:
                return original(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    query._kb_partitioned = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]


COUNTS_TTL_SECONDS = 1.0


def _message_counts(queue: Any) -> tuple[int, int, int]:
    """(visible, in flight, delayed), one pass over the queue, reused for COUNTS_TTL_SECONDS."""
    cached = queue.__dict__.get("_kb_counts")
    now = time.monotonic()
    if cached is not None and now - cached[0] < COUNTS_TTL_SECONDS:
        return cached[1]
    visible = in_flight = delayed = 0
    for message in list(queue._messages):
        if message.delayed:
            delayed += 1
        if not message.visible:
            in_flight += 1
        elif not message.delayed:
            visible += 1
    queue._kb_counts = (now, (visible, in_flight, delayed))
    return visible, in_flight, delayed


def approximate_queue_counts() -> None:
    if getattr(Queue, "_kb_counts_patched", False):
        return
    Queue.approximate_number_of_messages = property(lambda queue: _message_counts(queue)[0])  # type: ignore[assignment,method-assign]
    Queue.approximate_number_of_messages_not_visible = property(lambda queue: _message_counts(queue)[1])  # type: ignore[assignment,method-assign]
    Queue.approximate_number_of_messages_delayed = property(lambda queue: _message_counts(queue)[2])  # type: ignore[assignment,method-assign]
    Queue._kb_counts_patched = True  # type: ignore[attr-defined]


class _NoTableCopies:
    """Stands in for the copy module inside moto's transact_write_items: tables are not copied."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _named_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]] | None:
    """(table, hash, range) of each operation, or None when one cannot be read (moto decides)."""
    named = []
    for entry in transact_items:
        _, operation = next(iter(entry.items()))
        table = backend.tables.get(operation.get("TableName"))
        key = operation.get("Key") or operation.get("Item")
        if table is None or not table.range_key_attr or not isinstance(key, dict):
            return None
        if table.hash_key_attr not in key or table.range_key_attr not in key:
            return None
        named.append((table, DynamoType(key[table.hash_key_attr]), DynamoType(key[table.range_key_attr])))
    return named


def transactions_snapshot_their_items() -> None:
    backend_class = dynamodb_models.DynamoDBBackend
    if getattr(backend_class.transact_write_items, "_kb_snapshots", False):
        return
    original = backend_class.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        named = _named_items(self, transact_items)
        if named is None:
            return original(self, transact_items)
        with _LOCK:
            snapshots = [(t, h, r, copy.deepcopy(t.items.get(h, {}).get(r))) for t, h, r in named]
            dynamodb_models.copy = _NoTableCopies  # type: ignore[assignment]
            try:
                return original(self, transact_items)
            except Exception:
                for table, hash_value, range_value, item in reversed(snapshots):
                    partition = table.items[hash_value]
                    if item is None:
                        partition.pop(range_value, None)
                    else:
                        partition[range_value] = item
                raise
            finally:
                dynamodb_models.copy = copy

    transact_write_items._kb_snapshots = True  # type: ignore[attr-defined]
    backend_class.transact_write_items = transact_write_items  # type: ignore[method-assign]


_PARSED_CONDITIONS_LIMIT = 4096


def conditions_are_parsed_once() -> None:
    if getattr(ConditionExpressionParser.parse, "_kb_cached", False):
        return
    original = ConditionExpressionParser.parse
    parsed: dict[tuple[str, str, str], tuple[Any, list[str], list[str]]] = {}

    @functools.wraps(original)
    def parse(self: Any) -> Any:
        key = (
            str(self.condition_expression),
            json.dumps(self.expression_attribute_names, sort_keys=True),
            json.dumps(self.expression_attribute_values, sort_keys=True, default=str),
        )
        hit = parsed.get(key)
        if hit is not None:  # what parsing records on the parser, moto's validation reads
            self.expr_attr_names_found, self.expr_attr_values_found = list(hit[1]), list(hit[2])
            return hit[0]
        tree = original(self)
        if len(parsed) >= _PARSED_CONDITIONS_LIMIT:
            parsed.clear()
        parsed[key] = (tree, list(self.expr_attr_names_found), list(self.expr_attr_values_found))
        return tree

    parse._kb_cached = True  # type: ignore[attr-defined]
    ConditionExpressionParser.parse = parse  # type: ignore[method-assign]


def _post_policy_refusal(form: dict[str, Any], body: Any) -> tuple[int, str, str] | None:
    """(status, code, message) when S3 would refuse this form POST under its policy, else None."""
    if "policy" not in form:
        return None
    policy = json.loads(base64.b64decode(form["policy"][0]))
    expires = policy.get("expiration", "")
    if expires and expires.replace("Z", "+00:00") < time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()):
        return 403, "AccessDenied", "Invalid according to Policy: Policy expired."
    size = len(body.encode() if isinstance(body, str) else body or b"")
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict) and "key" in condition and form.get("key", [None])[0] != condition["key"]:
            return 403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: key"
        if isinstance(condition, list) and condition[0] == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                return 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
            if size < low:
                return 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
    return None


def post_policies_are_enforced() -> None:
    if getattr(S3Response._bucket_response_post, "_kb_policy", False):
        return
    original = S3Response._bucket_response_post

    @functools.wraps(original)
    def bucket_response_post(self: Any, request: Any, bucket_name: str) -> Any:
        refusal = _post_policy_refusal(self.querystring, self.body)
        if refusal is None:
            return original(self, request, bucket_name)
        status, code, message = refusal
        xml = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return status, {"Content-Type": "application/xml"}, xml

    bucket_response_post._kb_policy = True  # type: ignore[attr-defined]
    S3Response._bucket_response_post = bucket_response_post  # type: ignore[method-assign]


# Reads whose results moto holds in wire form (attribute values as {"S": ...}, keys, counts).
_PLAIN_JSON_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})


def _base64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dynamodb_reads_answer_plain_json() -> None:
    if getattr(DynamoResult.execute_result, "_kb_plain", False):
        return
    original = DynamoResult.execute_result

    @functools.wraps(original)
    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name not in _PLAIN_JSON_READS:
            return original(self, context)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(self.result, default=_base64)

    execute_result._kb_plain = True  # type: ignore[attr-defined]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
