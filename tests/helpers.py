"""Test helpers shared across layers of the suite."""

import json
import time
from pathlib import Path
from typing import Any

from local.invoke import render_event
from local.workers import LambdaContext

ROOT = Path(__file__).resolve().parent.parent


def sample_event(name: str, **values: str) -> dict[str, Any]:
    event, missing = render_event((ROOT / "events" / f"{name}.json").read_text(), values)
    assert not missing, f"events/{name}.json needs {missing}"
    return event


def lambda_context(name: str = "test-function") -> LambdaContext:
    return LambdaContext(
        function_name=name,
        function_version="$LATEST",
        invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        memory_limit_in_mb=512,
        aws_request_id="req-1",
        log_group_name=f"/aws/lambda/{name}",
        log_stream_name="test",
        deadline=time.monotonic() + 30,
    )


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])
