"""Cutting an import's JSON-lines file into slices read by ranged GETs."""

import json

from kb.imports.lines import cut


def _slices(data: bytes, size: int) -> list[tuple[int, bytes]]:
    """Every line of `data`, read as the import reads it: ranges of `size` bytes from the offset
    the previous slice consumed to, a longer range when a line does not fit."""
    lines: list[tuple[int, bytes]] = []
    offset, number = 0, 1
    while offset < len(data):
        width = size
        while True:
            end = min(len(data), offset + width)
            piece = cut(data[offset:end], number, at_end=end == len(data), at_start=offset == 0)
            if piece.consumed or end == len(data):
                break
            width *= 2
        lines += [(line.number, line.text) for line in piece.lines]
        offset, number = offset + piece.consumed, number + piece.read
    return lines


def test_a_multibyte_character_across_a_range_boundary_stays_whole():
    # Given a line whose 3-byte character straddles the end of the first range
    first = json.dumps({"externalItemId": "a", "content": "xx€yy"}, ensure_ascii=False).encode()
    split_at = first.index("€".encode()) + 1
    data = first + b"\n" + b'{"externalItemId":"b","content":"b"}\n'
    # When it is read in ranges that end inside the character
    lines = _slices(data, split_at)
    # Then the character is decoded whole, on the right line
    assert json.loads(lines[0][1].decode())["content"] == "xx€yy"
    assert [n for n, _ in lines] == [1, 2]


def test_crlf_line_endings_are_dropped():
    lines = _slices(b'{"a":1}\r\n{"b":2}\r\n', 5)
    assert lines == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_the_last_line_without_a_newline_is_read():
    lines = _slices(b'{"a":1}\n{"b":2}', 4)
    assert lines == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_empty_lines_are_skipped_but_keep_line_numbers():
    lines = _slices(b'{"a":1}\n\n   \r\n{"b":2}\n\n', 6)
    assert lines == [(1, b'{"a":1}'), (4, b'{"b":2}')]


def test_a_range_without_a_newline_consumes_nothing_unless_it_reaches_the_end():
    assert cut(b'{"a":', 7, at_end=False).consumed == 0
    tail = cut(b'{"a":1}', 7, at_end=True)
    assert (tail.consumed, [(line.number, line.text) for line in tail.lines]) == (7, [(7, b'{"a":1}')])


def test_a_byte_order_mark_at_the_start_of_the_file_is_ignored():
    lines = _slices(b'\xef\xbb\xbf{"a":1}\n{"b":2}\n', 100)
    assert lines == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_every_slice_size_reads_the_same_lines():
    data = "".join(
        json.dumps({"externalItemId": f"é{i}", "content": "ü" * i}) + ("\r\n" if i % 3 else "\n") for i in range(50)
    )
    expected = _slices(data.encode(), len(data.encode()))
    for size in (1, 2, 3, 7, 64, 1000):
        assert _slices(data.encode(), size) == expected
