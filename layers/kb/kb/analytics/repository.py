"""Where analytics live in the knowledge-base table.

- Counters: one item per (tenant, hour, endpoint, key, source), ANALYTICS#<t>#<day> /
  REQ#<hour>#<METHOD /path>#<keyId>#<sourceId or ->: request and status-class counts, the domain's
  counts (items pushed, searches, answer tokens, ratings ...), a latency histogram (h<bucket>) and
  the latency sum (us), all moved by one UpdateItem with ADD, so concurrent requests never lose
  a count. Durations (apply, training): ANALYTICS#<t>#<day> / DUR#<hour>#<kind>, the same way.
  A day is one partition: a report reads one Query (a few pages) per day.
- The query log: QLOG#<t> / Q#<time-ordered id without its prefix>, expiring after the tenant's
  retention (expiresAt, the table's TTL); feedback QLOG#<t> / F#<target id>.
- A tenant's settings: TENANT#<t> / ANALYTICS."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from kb.analytics.models import AnalyticsSettings, Feedback, QueryLogEntry
from kb.cursors import Listing
from kb.storage import Table, decode_cursor, deserialize, encode_cursor, serialize

COUNTER_RETENTION_DAYS = 400


@dataclass(frozen=True)
class CounterRow:
    hour: datetime
    kind: str  # REQ or DUR
    endpoint: str  # REQ: "METHOD /path"; DUR: the duration's kind
    key_id: str
    source_id: str
    values: dict[str, int]

    def histogram(self) -> dict[int, int]:
        return {int(name[1:]): count for name, count in self.values.items() if name.startswith("h")}


def day_partition(tenant_id: str, moment: datetime) -> str:
    return f"ANALYTICS#{tenant_id}#{moment:%Y-%m-%d}"


def log_sort_key(entry_id: str) -> str:
    return f"Q#{entry_id.split('_', 1)[-1]}"


class AnalyticsRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def add(self, pk: str, sk: str, counts: dict[str, int | float], expires_at: int) -> None:
        """One UpdateItem adding every count (ADD: atomic, so parallel requests never lose one)."""
        names = {f"#a{i}": name for i, name in enumerate(counts)}
        values: dict[str, Any] = {f":a{i}": value for i, value in enumerate(counts.values())}
        adds = ", ".join(f"#a{i} :a{i}" for i in range(len(counts)))
        self.table.client.update_item(
            TableName=self.table.name,
            Key=serialize({"pk": pk, "sk": sk}),
            UpdateExpression=f"ADD {adds} SET expiresAt = if_not_exists(expiresAt, :exp)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=serialize({**values, ":exp": expires_at}),
        )

    def counter_rows(self, tenant_id: str, day: datetime) -> Iterator[CounterRow]:
        """Every counter item of one day (all pages)."""
        args: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": serialize({":pk": day_partition(tenant_id, day)}),
        }
        while True:
            reply = self.table.client.query(**args)
            for raw in reply.get("Items", []):
                item = deserialize(raw)
                kind, hour, rest = item["sk"].split("#", 2)
                parts = rest.split("#")
                endpoint, key_id, source_id = ([*parts, "-", "-"])[:3]
                values = {k: v for k, v in item.items() if k not in ("pk", "sk", "expiresAt")}
                moment = day.replace(hour=int(hour), minute=0, second=0, microsecond=0)
                yield CounterRow(moment, kind, endpoint, key_id, source_id, values)
            if "LastEvaluatedKey" not in reply:
                return
            args["ExclusiveStartKey"] = reply["LastEvaluatedKey"]

    # The query log

    def log(self, tenant_id: str, entry: QueryLogEntry, expires_at: int) -> None:
        record = {
            "pk": f"QLOG#{tenant_id}",
            "sk": log_sort_key(entry.id),
            **entry.to_json_dict(),
            "expiresAt": expires_at,
        }
        self.table.put(record)

    def log_entry(self, tenant_id: str, entry_id: str) -> QueryLogEntry | None:
        record = self.table.get(f"QLOG#{tenant_id}", log_sort_key(entry_id))
        return QueryLogEntry.model_validate(record) if record and record.get("id") == entry_id else None

    def log_page(
        self,
        tenant_id: str,
        after_ms: int,
        before_ms: int,
        zero_results: bool | None,
        kind: str | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[QueryLogEntry], str | None]:
        """Newest first, between two times (ms). DynamoDB filters zero-result and kind after reading
        a page, so a filtered page may hold fewer than `limit` (follow nextCursor)."""
        pk = f"QLOG#{tenant_id}"
        # Not bound to the range: "now" moves between pages, and a cursor only continues downwards.
        listing = Listing(tenant_id, f"query-log\n{zero_results}\n{kind}")
        values: dict[str, Any] = {":pk": pk, ":after": f"Q#{after_ms:011x}", ":before": f"Q#{before_ms:011x}~"}
        filters = []
        if zero_results is not None:
            filters.append("resultCount = :zero" if zero_results else "resultCount > :zero")
            values[":zero"] = 0
        if kind is not None:
            filters.append("#kind = :kind")
            values[":kind"] = kind
        args: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :after AND :before",
            "ExpressionAttributeValues": serialize(values),
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit,
        }
        if filters:
            args["FilterExpression"] = " AND ".join(filters)
        if kind is not None:
            args["ExpressionAttributeNames"] = {"#kind": "kind"}
        start = decode_cursor(self.table.cursors, cursor, listing, ("pk", "sk"), pk, "Q#")
        if start:
            args["ExclusiveStartKey"] = start
        reply = self.table.client.query(**args)
        entries = [QueryLogEntry.model_validate(deserialize(item)) for item in reply.get("Items", [])]
        return entries, encode_cursor(self.table.cursors, reply.get("LastEvaluatedKey"), listing)

    def rate_log_entry(self, tenant_id: str, feedback: Feedback) -> None:
        """Show the rating on the logged entry, if it was logged."""
        try:
            self.table.update(
                f"QLOG#{tenant_id}",
                log_sort_key(feedback.target_id),
                "SET rating = :rating, #comment = :comment"
                if feedback.comment
                else "SET rating = :rating REMOVE #comment",
                condition="attribute_exists(pk) AND id = :id",
                names={"#comment": "comment"},
                values={":rating": feedback.rating, ":comment": feedback.comment, ":id": feedback.target_id},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def put_feedback(self, tenant_id: str, feedback: Feedback, expires_at: int) -> Feedback | None:
        """Store the rating; the one it replaced, if any (read in the same write: exact under races)."""
        record = {
            "pk": f"QLOG#{tenant_id}",
            "sk": f"F#{feedback.target_id}",
            **feedback.to_json_dict(),
            "expiresAt": expires_at,
        }
        reply = self.table.client.put_item(TableName=self.table.name, Item=serialize(record), ReturnValues="ALL_OLD")
        old = reply.get("Attributes")
        return Feedback.model_validate(deserialize(old)) if old else None

    # Settings

    def settings(self, tenant_id: str) -> AnalyticsSettings:
        record = self.table.get(f"TENANT#{tenant_id}", "ANALYTICS")
        if record is None:
            return AnalyticsSettings()
        return AnalyticsSettings.model_validate({k: v for k, v in record.items() if k not in ("pk", "sk")})

    def save_settings(self, tenant_id: str, settings: AnalyticsSettings) -> None:
        self.table.put({"pk": f"TENANT#{tenant_id}", "sk": "ANALYTICS", **settings.to_json_dict()})
