"""Page cursors are signed and bound to their tenant and listing: anything else is invalid_cursor."""

import base64
import json
from typing import Any

import pytest

from kb.cursors import CursorCodec, Listing
from kb.errors import InvalidCursor
from kb.storage import decode_cursor, encode_cursor, serialize

KEY = "k" * 64
ITEMS = Listing("ten_1", "items:src_1")
TABLE_KEY = ("pk", "sk")


def test_a_cursor_gives_back_the_position_it_was_made_for():
    codec = CursorCodec(KEY)
    cursor = codec.encode({"offset": 3}, ITEMS)
    assert codec.decode(cursor, ITEMS) == {"offset": 3}


@pytest.mark.parametrize("garbage", ["x", "not-a-cursor", "e30", "e30.", "!!!.???", "é.é", "a" * 300])
def test_a_garbage_cursor_is_invalid(garbage: str):
    with pytest.raises(InvalidCursor):
        CursorCodec(KEY).decode(garbage, ITEMS)


def test_a_cursor_whose_position_was_changed_is_invalid():
    # Given a genuine cursor
    codec = CursorCodec(KEY)
    _, signature = codec.encode({"offset": 3}, ITEMS).split(".")
    # When its position is rewritten, keeping the signature
    forged = base64.urlsafe_b64encode(b'{"offset":0}').decode().rstrip("=") + "." + signature
    # Then it is refused
    with pytest.raises(InvalidCursor):
        codec.decode(forged, ITEMS)


def test_a_cursor_from_another_listing_is_invalid():
    codec = CursorCodec(KEY)
    cursor = codec.encode({"offset": 3}, ITEMS)
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, Listing("ten_1", "runs:src_1"))


def test_a_cursor_from_another_tenant_is_invalid():
    codec = CursorCodec(KEY)
    cursor = codec.encode({"offset": 3}, ITEMS)
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, Listing("ten_2", "items:src_1"))


def test_a_cursor_signed_with_another_key_is_invalid():
    cursor = CursorCodec("o" * 64).encode({"offset": 3}, ITEMS)
    with pytest.raises(InvalidCursor):
        CursorCodec(KEY).decode(cursor, ITEMS)


def test_without_a_key_no_cursor_is_made():
    with pytest.raises(RuntimeError):
        CursorCodec("").encode({"offset": 3}, ITEMS)


def test_a_table_cursor_continues_its_query():
    codec = CursorCodec(KEY)
    last_key = serialize({"pk": "SOURCE#src_1", "sk": "ITEM#b"})
    cursor = encode_cursor(codec, last_key, ITEMS)
    assert decode_cursor(codec, cursor, ITEMS, TABLE_KEY, "SOURCE#src_1", "ITEM#") == last_key


@pytest.mark.parametrize(
    "key",
    [
        {"pk": "SOURCE#src_1", "sk": 5},  # a number where DynamoDB wants the key's string
        {"pk": "SOURCE#src_1", "sk": ["ITEM#a"]},  # a list
        {"pk": "SOURCE#src_1", "sk": None},
        {"pk": "SOURCE#src_1"},  # a key attribute missing
        {"pk": "SOURCE#src_1", "sk": "ITEM#a", "extra": "x"},  # an attribute the key does not have
        {"pk": "SOURCE#src_2", "sk": "ITEM#a"},  # another partition
        {"pk": "SOURCE#src_1", "sk": "RUN#a"},  # outside the listing's prefix
    ],
)
def test_a_signed_cursor_with_a_key_of_the_wrong_shape_is_invalid(key: dict[str, Any]):
    # Given a cursor signed with the right key (as if the key leaked) around a malformed position
    codec = CursorCodec(KEY)
    cursor = codec.encode(json.loads(json.dumps(key)), ITEMS)
    # Then it never reaches DynamoDB: it is invalid
    with pytest.raises(InvalidCursor):
        decode_cursor(codec, cursor, ITEMS, TABLE_KEY, "SOURCE#src_1", "ITEM#")
