"""File uploads: which way a file goes, and the multipart form's fields."""

import json
from collections.abc import Mapping
from typing import Any

# Through the API (multipart) up to 4 MiB; bigger files go by a presigned S3 upload (docs/files.md).
MULTIPART_LIMIT = 4 * 1024 * 1024


def upload_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """The multipart form's fields: externalItemId and title as text, tags and metadata as JSON."""
    out: dict[str, str] = {}
    for name, value in fields.items():
        if value is None:
            continue
        wire = {"external_item_id": "externalItemId"}.get(name, name)
        out[wire] = value if isinstance(value, str) else json.dumps(value)
    return out
