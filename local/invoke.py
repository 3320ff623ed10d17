"""`make invoke FN=<FunctionLogicalId> EVENT=events/<file>.json`: our `sam local invoke`.

Runs one function on one event through the Lambda API of the local stack: the running one
(`make run`, found through .local/stack.json) or, when none is running, a fresh one for this call.
${NAME} placeholders in the event are filled from the environment, and ADMIN_KEY and TENANT_ID
from the stack."""

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import requests

from local.deploy import client
from local.stack import ROOT, LocalStack

_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def render_event(text: str, values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The event with its placeholders filled, and the names left unfilled."""
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return json.dumps(values[name])[1:-1]  # escaped for a JSON string
        missing.append(name)
        return match.group(0)

    return json.loads(_PLACEHOLDER.sub(fill, text)), sorted(set(missing))


def _running_stack(state_file: Path) -> dict[str, Any] | None:
    if not state_file.exists():
        return None
    info: dict[str, Any] = json.loads(state_file.read_text())
    try:
        requests.get(f"{info['moto_endpoint']}/moto-api/", timeout=2)
    except requests.RequestException:
        return None
    return info


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m local.invoke", description=__doc__)
    parser.add_argument("function", help="logical id in template.yaml, e.g. HealthFunction")
    parser.add_argument("event", type=Path)
    args = parser.parse_args()
    info = _running_stack(ROOT / ".local" / "stack.json")
    stack: LocalStack | None = None
    if info is None:
        stack = LocalStack(gateway_port=None)
        info = json.loads(stack.start().to_json())
    try:
        if args.function not in info["function_names"]:
            print(f"unknown function {args.function}; one of: {', '.join(sorted(info['function_names']))}")
            return 2
        values = {k: v for k, v in os.environ.items() if k.isupper()}
        values |= {"ADMIN_KEY": info["admin_key"], "TENANT_ID": info["tenant_id"]}
        event, missing = render_event(args.event.read_text(), values)
        if missing:
            print(f"note: no value for {', '.join(missing)} (set them in the environment)", file=sys.stderr)
        reply = client("lambda", info["moto_endpoint"]).invoke(
            FunctionName=info["function_names"][args.function], Payload=json.dumps(event).encode()
        )
        print(json.dumps(json.loads(reply["Payload"].read()), indent=2))
        return 1 if reply.get("FunctionError") else 0
    finally:
        if stack is not None:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
