"""CSV and JSON lines: one readable line per row or record, field names kept ('name: value')."""

import csv
import io
import json
from typing import Any

from kb.files.limits import MAX_FILE_BYTES
from kb.files.models import ExtractedDocument, ExtractionError
from kb.files.text import TextBuilder

DELIMITERS = ",;\t|"


def extract_csv(text: str) -> ExtractedDocument:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS)
    except csv.Error:  # one column, or nothing the sniffer can decide: plain commas
        dialect = csv.excel
    builder = TextBuilder()
    csv.field_size_limit(MAX_FILE_BYTES)  # the default (128 KB a field) would refuse a long cell
    try:
        rows = csv.reader(io.StringIO(text), dialect)
        header = next(rows, [])
        names = [name.strip() for name in header]
        for row in rows:
            fields = [
                f"{names[index] if index < len(names) and names[index] else f'column {index + 1}'}: {value.strip()}"
                for index, value in enumerate(row)
                if value.strip()
            ]
            if fields:
                builder.block("; ".join(fields), run="rows")
    except csv.Error as error:
        raise ExtractionError(f"The CSV could not be read: {error}.", "file_corrupt") from error
    body, _ = builder.finish()
    if not body and any(names):  # a header and no rows: the header is all there is
        body = "; ".join(name for name in names if name)
    return ExtractedDocument(text=body)


def extract_jsonl(text: str) -> ExtractedDocument:
    builder = TextBuilder()
    parsed = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            if not parsed:  # not one line of JSON: this is not a JSON-lines file at all
                raise ExtractionError("The file is not JSON lines.", "file_type_mismatch") from error
            raise ExtractionError(f"Line {number} is not JSON.", "file_corrupt") from error
        parsed += 1
        builder.block(_readable(record), run="rows")
    body, _ = builder.finish()
    return ExtractedDocument(text=body)


def _readable(value: Any, prefix: str = "") -> str:
    """{'name': 'Ada', 'address': {'city': 'London'}} -> 'name: Ada; address.city: London'."""
    if isinstance(value, dict):
        fields = [_readable(item, f"{prefix}{key}.") for key, item in value.items()]
        return "; ".join(field for field in fields if field)
    if isinstance(value, list):
        items = [_readable(item) for item in value]
        text = ", ".join(item for item in items if item)
    elif value is None:
        return ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = " ".join(str(value).split())
    if not text:
        return ""
    return f"{prefix[:-1]}: {text}" if prefix else text
