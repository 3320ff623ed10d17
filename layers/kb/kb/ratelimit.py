"""Fixed-window rate limiting. Each API key has one DynamoDB record (RATE#<keyId> / WINDOWS) holding
a start and a count for each of its windows (minute, hour, day, and the bulk minute); one
conditional UpdateItem counts a request in every window at once, and its condition (each window
still the current one and under its limit) is the guard, so N concurrent requests in one window
admit exactly the limit. When a window has rolled over, the failed update hands back the record
(ReturnValuesOnConditionCheckFailure) and one more conditional update starts the new window: two
calls for the first request of a window, one for every other.
Also: failed authentications per source address and per key id.
The clock is injected (default: time.time), so tests move it instead of waiting."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from kb.errors import RateLimited
from kb.models import ApiModel
from kb.storage import Table, deserialize

WINDOW_SECONDS = 60
WINDOWS: dict[str, int] = {"minute": 60, "hour": 3600, "day": 86400, "bulk": 60}

# Bulk requests (many items, or a file, in one request) count in every window and in the bulk
# window besides: batch upserts, snapshot pages, bulk imports, file uploads (multipart and presigned).
BULK_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (method, re.compile(pattern))
    for method, pattern in (
        ("POST", r"^(/api)?/v1/sources/[^/]+/items/batch$"),
        ("POST", r"^(/api)?/v1/sources/[^/]+/snapshots/[^/]+/items$"),
        ("POST", r"^(/api)?/v1/sources/[^/]+/imports$"),
        ("POST", r"^(/api)?/v1/sources/[^/]+/files$"),
        ("POST", r"^(/api)?/v1/sources/[^/]+/files/uploads$"),
    )
)


def is_bulk(method: str, path: str) -> bool:
    return any(method == m and pattern.match(path) for m, pattern in BULK_ROUTES)


@dataclass(frozen=True)
class Limits:
    """The limits a request is counted against (resolved: key, then plan, then deployment)."""

    minute: int
    hour: int
    day: int
    bulk: int

    def of(self, window: str) -> int:
        return int(getattr(self, window))


class RateLimitWindow(ApiModel):
    limit: int
    remaining: int
    reset_epoch: int
    reset_seconds: int
    window: str = "minute"
    window_seconds: int = WINDOW_SECONDS

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* trio and the IETF RateLimit / RateLimit-Policy fields, of this window."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch),
            "X-RateLimit-Window": self.window,
            "RateLimit-Policy": f'"{self.window}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{self.window}";r={self.remaining};t={self.reset_seconds}',
        }


def binding(windows: list[RateLimitWindow]) -> RateLimitWindow:
    """The window that binds: the least remaining; on a tie the one that resets last (it keeps
    the client waiting longer)."""
    return min(windows, key=lambda w: (w.remaining, -w.reset_epoch))


class RateLimiter:
    def __init__(self, table: Table, clock: Callable[[], float] = time.time) -> None:
        self.table = table
        self.clock = clock

    def hit(self, key_id: str, limits: Limits, bulk: bool = False, now: float | None = None) -> RateLimitWindow:
        """Count one request in each of the key's windows; raises RateLimitedWindow (with the
        window that refused it) once one is used up. Returns the binding window."""
        now = self.clock() if now is None else now
        names = ["minute", "hour", "day"] + (["bulk"] if bulk else [])
        starts = {name: int(now // WINDOWS[name]) * WINDOWS[name] for name in names}
        known: dict[str, Any] | None = None  # None: assume every window is the current one
        for _ in range(4):
            try:
                record = self._count(key_id, names, starts, limits, known, now)
            except _Refused as refused:
                old = refused.record
                current = all(old.get(f"{n}Start") == starts[n] for n in names)
                if current and any(int(old.get(f"{n}Hits", 0)) >= limits.of(n) for n in names):
                    raise RateLimitedWindow(self._refusal(names, starts, limits, old, now)) from None
                # A window rolled over (or the key's first request): start it. Or another request
                # started them first (all current, none used up): count in its windows.
                known = old
                continue
            return binding([self._window(n, starts[n], limits.of(n), int(record[f"{n}Hits"]), now) for n in names])
        raise RuntimeError("the rate-limit record kept changing")

    def _count(
        self,
        key_id: str,
        names: list[str],
        starts: dict[str, int],
        limits: Limits,
        known: dict[str, Any] | None,
        now: float,
    ) -> dict[str, Any]:
        adds, sets, conditions = [], ["expiresAt = :expires"], []
        values: dict[str, Any] = {":one": 1, ":expires": int(now) + 2 * 86400}
        for n in names:
            values[f":{n}Start"] = starts[n]
            if known is None or known.get(f"{n}Start") == starts[n]:
                adds.append(f"{n}Hits :one")
                values[f":{n}Limit"] = limits.of(n)
                conditions.append(f"{n}Start = :{n}Start AND {n}Hits < :{n}Limit")
            else:  # a new window: reset, if nobody did meanwhile
                sets += [f"{n}Start = :{n}Start", f"{n}Hits = :one"]
                if f"{n}Start" in known:
                    values[f":{n}Old"] = known[f"{n}Start"]
                    conditions.append(f"{n}Start = :{n}Old")
                else:
                    conditions.append(f"attribute_not_exists({n}Start)")
        update = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        try:
            reply = self.table.client.update_item(
                TableName=self.table.name,
                Key={"pk": {"S": f"RATE#{key_id}"}, "sk": {"S": "WINDOWS"}},
                UpdateExpression=update,
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeValues={k: {"N": str(v)} for k, v in values.items()},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            raise _Refused(deserialize(error.response.get("Item") or {})) from error
        return deserialize(reply["Attributes"])

    @staticmethod
    def _window(name: str, start: int, limit: int, hits: int, now: float) -> RateLimitWindow:
        reset_epoch = start + WINDOWS[name]
        return RateLimitWindow(
            limit=limit,
            remaining=max(0, limit - hits),
            reset_epoch=reset_epoch,
            reset_seconds=max(1, reset_epoch - int(now)),
            window=name,
            window_seconds=WINDOWS[name],
        )

    def _refusal(
        self, names: list[str], starts: dict[str, int], limits: Limits, old: dict[str, Any], now: float
    ) -> RateLimitWindow:
        """The used-up window that frees last: the request can succeed only once it has reset."""
        windows = [self._window(n, starts[n], limits.of(n), int(old.get(f"{n}Hits", 0)), now) for n in names]
        used_up = [w for w in windows if w.remaining == 0] or windows
        return max(used_up, key=lambda w: w.reset_epoch)


class _Refused(Exception):
    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__("condition failed")
        self.record = record


class RateLimitedWindow(RateLimited):
    def __init__(self, window: RateLimitWindow) -> None:
        message = "Too many requests. Please slow down."
        if window.window != "minute":
            message = f"Too many requests: the key's {window.limit} per {_PER[window.window]} are used up."
        super().__init__(message, window.reset_seconds)
        self.window = window


_PER = {"minute": "minute", "hour": "hour", "day": "day", "bulk": "minute of bulk requests"}


# Failed authentications allowed per minute before every request from that source address, or
# naming that key id, answers 429 until the window ends.
FAILED_AUTH_PER_ADDRESS_PER_MINUTE = 30
FAILED_AUTH_PER_KEY_ID_PER_MINUTE = 10


class FailedAuthLimiter:
    """Failed authentications per source address and per key id (the one a token claims, known or
    not), in fixed one-minute windows under RATE#AUTHFAIL#... A subject at its limit is refused
    before its key is looked up, so a flood of bad keys costs one read per request."""

    def __init__(
        self,
        table: Table,
        clock: Callable[[], float] = time.time,
        per_address: int = FAILED_AUTH_PER_ADDRESS_PER_MINUTE,
        per_key_id: int = FAILED_AUTH_PER_KEY_ID_PER_MINUTE,
    ) -> None:
        self.table = table
        self.clock = clock
        self.per_address = per_address
        self.per_key_id = per_key_id

    def _subjects(self, address: str | None, key_id: str | None) -> list[tuple[str, int]]:
        subjects = []
        if address:
            subjects.append((f"RATE#AUTHFAIL#ADDR#{address}", self.per_address))
        if key_id:
            subjects.append((f"RATE#AUTHFAIL#KEY#{key_id}", self.per_key_id))
        return subjects

    def _window(self) -> tuple[int, int]:
        now = self.clock()
        start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        return start, max(1, start + WINDOW_SECONDS - int(now))

    def check(self, address: str | None, key_id: str | None) -> None:
        """RateLimited if the address or the key id has used up its failures in this window."""
        subjects = self._subjects(address, key_id)
        if not subjects:
            return
        start, retry_after = self._window()
        records = self.table.batch_get([(pk, f"WINDOW#{start}") for pk, _ in subjects])
        hits = {record["pk"]: int(record.get("hits", 0)) for record in records}
        if any(hits.get(pk, 0) >= limit for pk, limit in subjects):
            raise RateLimited("Too many failed authentications. Please slow down.", retry_after)

    def record_failure(self, address: str | None, key_id: str | None) -> None:
        """Count one failure against each subject. RateLimited if this one is past a limit, so of N
        concurrent failures exactly the limit answer 401 and the rest 429."""
        start, retry_after = self._window()
        refused = False
        for pk, limit in self._subjects(address, key_id):
            try:
                self.table.update(
                    pk,
                    f"WINDOW#{start}",
                    "ADD hits :one SET expiresAt = :expires",
                    condition="attribute_not_exists(hits) OR hits < :limit",
                    values={":one": 1, ":limit": limit, ":expires": start + WINDOW_SECONDS + 3600},
                )
            except ClientError as error:
                if not self.table.is_condition_failure(error):
                    raise
                refused = True
        if refused:
            raise RateLimited("Too many failed authentications. Please slow down.", retry_after)
