"""A 202 names what to poll: its Location header is the status resource of the accepted work."""

import json
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

BASE_PATH = "/api"  # the HTTP API's base path, under which every route lives


def locate_accepted(response: JSONResponse, status_path: Callable[[dict[str, Any]], str]) -> JSONResponse:
    """Add Location to a 202 (replays included: it is derived from the stored body)."""
    if response.status_code == 202:
        response.headers["Location"] = BASE_PATH + status_path(json.loads(bytes(response.body)))
    return response
