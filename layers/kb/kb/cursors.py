"""Opaque page cursors: a position in one listing, signed with HMAC-SHA256 so that a client can
neither forge a position nor carry a cursor to another tenant or another listing."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from kb.errors import InvalidCursor

_VERSION = b"kb-cursor-v1"
_INVALID = "The cursor is not one this listing gave out; start again without it."


@dataclass(frozen=True)
class Listing:
    """What a cursor is bound to: the caller's tenant and one listing (its name names the
    resource it lists, e.g. "items:src_1"), so it is refused anywhere else."""

    tenant_id: str
    name: str


class CursorCodec:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def encode(self, position: dict[str, Any], listing: Listing) -> str:
        payload = _b64encode(json.dumps(position, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{_b64encode(self._mac(payload, listing))}"

    def decode(self, cursor: str, listing: Listing) -> dict[str, Any]:
        """The position `cursor` carries; InvalidCursor unless this codec signed it for `listing`."""
        payload, _, signature = cursor.partition(".")
        try:
            valid = hmac.compare_digest(_b64decode(signature), self._mac(payload, listing))
            position = json.loads(_b64decode(payload)) if valid else None
        except ValueError:
            position = None
        if not isinstance(position, dict):
            raise InvalidCursor(_INVALID)
        return position

    def _mac(self, payload: str, listing: Listing) -> bytes:
        if not self._key:
            # A deployment without a key must not hand out cursors anyone could forge.
            raise RuntimeError("CURSOR_SIGNING_KEY is not set")
        message = b"\n".join([_VERSION, listing.tenant_id.encode(), listing.name.encode(), payload.encode()])
        return hmac.new(self._key, message, hashlib.sha256).digest()


def invalid_cursor() -> InvalidCursor:
    return InvalidCursor(_INVALID)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
