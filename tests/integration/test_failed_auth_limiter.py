"""Failed-authentication limits against moto's DynamoDB, with an injected clock: windows move
because the test moves the clock, never because it waits."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.errors import RateLimited
from kb.ratelimit import FailedAuthLimiter
from kb.storage import Table
from local.deploy import client

WINDOW_START = 1_800_000_000.0  # a minute boundary (divisible by 60)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(stack) -> Table:
    return Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name)


def limiter(table: Table, clock: Clock) -> FailedAuthLimiter:
    return FailedAuthLimiter(table, clock, per_address=3, per_key_id=2)


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_an_address_at_its_limit_is_refused_until_the_window_ends(table):
    # Given three failures from one address, 15 s into a window
    clock = Clock(WINDOW_START + 15)
    address, guard = fresh("10.0.0.1"), limiter(table, clock)
    for _ in range(3):
        guard.check(address, None)
        guard.record_failure(address, None)
    # When it tries again / Then it is refused until the window's end, others are not
    with pytest.raises(RateLimited) as refused:
        guard.check(address, None)
    assert refused.value.retry_after_seconds == 45
    guard.check(fresh("10.0.0.2"), None)
    # When the clock reaches the next window / Then it may try again
    clock.now = WINDOW_START + 60
    guard.check(address, None)


def test_a_key_id_at_its_limit_is_refused_from_any_address(table):
    clock = Clock(WINDOW_START + 1)
    key_id, guard = fresh("key"), limiter(table, clock)
    guard.record_failure(fresh("10.0.1.1"), key_id)
    guard.record_failure(fresh("10.0.1.2"), key_id)
    with pytest.raises(RateLimited):
        guard.check(fresh("10.0.1.3"), key_id)


def test_of_concurrent_failures_exactly_the_limit_are_counted_and_the_rest_refused(table):
    # Given ten failures from one address at once, with a limit of three
    clock, address = Clock(WINDOW_START + 30), fresh("10.0.2.1")
    guard = limiter(table, clock)
    barrier = threading.Barrier(10)

    def fail(_: int) -> str:
        barrier.wait()
        try:
            guard.record_failure(address, None)
        except RateLimited:
            return "refused"
        return "counted"

    # When they are recorded / Then three count and seven are refused
    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(fail, range(10)))
    assert sorted(outcomes) == ["counted"] * 3 + ["refused"] * 7
