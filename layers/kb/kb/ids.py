"""Identifiers and clocks: one place, so tests can reason about them."""

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

# Now, as something is judged: injected wherever expiry, grace or leases are decided.
Clock = Callable[[], datetime]


def new_id(prefix: str) -> str:
    """Time-ordered (milliseconds, fixed-width hex) then random: ids sort by creation."""
    return f"{prefix}_{int(time.time() * 1000):011x}{secrets.token_hex(4)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_now() -> str:
    return to_iso(utcnow())


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
