"""Starting a state machine and waiting for it, bounded (there is no StartSyncExecution locally,
and a standard execution keeps its history for polling)."""

import json
import time
from typing import Any

_TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


class Workflows:
    def __init__(self, sfn: Any) -> None:
        self.sfn = sfn

    def start(self, state_machine_arn: str, name: str, payload: dict[str, Any]) -> str:
        reply = self.sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))
        return str(reply["executionArn"])

    def wait(self, execution_arn: str, timeout_seconds: float) -> dict[str, Any] | None:
        """The finished execution's description, or None if it is still running at the deadline."""
        deadline = time.monotonic() + timeout_seconds
        delay = 0.05
        while True:
            description: dict[str, Any] = self.sfn.describe_execution(executionArn=execution_arn)
            if description["status"] in _TERMINAL:
                return description
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
