"""Per-key fixed-window rate limiting: one DynamoDB counter per key and minute. The conditional
increment is the guard, so N concurrent requests in one window admit exactly the limit."""

import time

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
    def __init__(self, table: Table) -> None:
        self.table = table

    def hit(self, key_id: str, limit: int, now: float | None = None) -> RateLimitWindow:
        """Count one request; raises RateLimited (with the window) once the limit is reached."""
        now = time.time() if now is None else now
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
