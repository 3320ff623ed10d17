"""Fixed-window rate limiting: one DynamoDB counter per subject and minute. The conditional
increment is the guard, so N concurrent requests in one window admit exactly the limit.
Subjects: each API key's requests, and failed authentications per source address and per key id.
The clock is injected (default: time.time), so tests move it instead of waiting."""

import time
from collections.abc import Callable

from botocore.exceptions import ClientError

from kb.errors import RateLimited
from kb.models import ApiModel
from kb.storage import Table

WINDOW_SECONDS = 60


class RateLimitWindow(ApiModel):
    limit: int
    remaining: int
    reset_epoch: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* trio, and the IETF RateLimit / RateLimit-Policy fields."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch),
            "RateLimit-Policy": f'"per-key";q={self.limit};w={WINDOW_SECONDS}',
            "RateLimit": f'"per-key";r={self.remaining};t={self.reset_seconds}',
        }


class RateLimiter:
    def __init__(self, table: Table, clock: Callable[[], float] = time.time) -> None:
        self.table = table
        self.clock = clock

    def hit(self, key_id: str, limit: int, now: float | None = None) -> RateLimitWindow:
        """Count one request; raises RateLimited (with the window) once the limit is reached."""
        now = self.clock() if now is None else now
        window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        reset_epoch = window_start + WINDOW_SECONDS
        reset_seconds = max(1, reset_epoch - int(now))
        try:
            record = self.table.update_returning(
                f"RATE#{key_id}",
                f"WINDOW#{window_start}",
                "ADD hits :one SET expiresAt = :expires",
                condition="attribute_not_exists(hits) OR hits < :limit",
                values={":one": 1, ":limit": limit, ":expires": reset_epoch + 3600},
            )
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            window = RateLimitWindow(limit=limit, remaining=0, reset_epoch=reset_epoch, reset_seconds=reset_seconds)
            raise RateLimitedWindow(window) from error
        remaining = max(0, limit - int(record["hits"]))
        return RateLimitWindow(limit=limit, remaining=remaining, reset_epoch=reset_epoch, reset_seconds=reset_seconds)


class RateLimitedWindow(RateLimited):
    def __init__(self, window: RateLimitWindow) -> None:
        super().__init__("Too many requests. Please slow down.", window.reset_seconds)
        self.window = window


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
