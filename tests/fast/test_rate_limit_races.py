"""Two requests of one key racing to start a new minute's windows: the one that loses the race
counts against the windows the other started, and is not refused while they have room."""

from typing import Any

from kb.ratelimit import Limits, RateLimiter
from kb.storage import Table

LIMITS = Limits(minute=100, hour=1000, day=10000, bulk=10)
NOW = 1_800_000_000.0  # a minute's start: NOW - 60 is the previous minute


class RacingClient:
    """DynamoDB as the limiter sees it, except that another request of the same key gets its
    write in just before our second attempt (the one that starts the new windows)."""

    def __init__(self, client: Any, other: RateLimiter) -> None:
        self.client, self.other, self.calls = client, other, 0

    def update_item(self, **request: Any) -> Any:
        self.calls += 1
        if self.calls == 2:
            self.other.hit("key_1", LIMITS, bulk=True, now=NOW)
        return self.client.update_item(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_request_that_loses_the_race_to_start_new_windows_counts_in_them(store):
    # Given a key whose windows were last used in the previous minute
    table = Table(store.dynamodb, store.table.name)
    RateLimiter(table).hit("key_1", LIMITS, bulk=True, now=NOW - 60)
    # When two requests of the new minute race, the other starting the new windows first
    racing = Table(RacingClient(store.dynamodb, RateLimiter(table)), store.table.name)
    window = RateLimiter(racing).hit("key_1", LIMITS, bulk=True, now=NOW)
    # Then ours is counted, not refused: both requests are in the new minute's windows
    assert racing.client.calls == 3
    assert (window.window, window.remaining) == ("bulk", LIMITS.bulk - 2)
