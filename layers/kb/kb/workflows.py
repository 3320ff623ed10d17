"""Starting a state machine and waiting for it, bounded.

The wait reads the record the execution's last step writes (a run, a generation) instead of
polling DescribeExecution: Step Functions' DescribeExecution has a small account-wide quota (a
token bucket shared by every waiting request of every tenant), a consistent GetItem does not.
DescribeExecution is called once, at the deadline, to tell an execution that ended without
writing its record (timed out, aborted) from one still running. Why the run and apply machines
stay Standard rather than Express with StartSyncExecution: docs/architecture.md, "Waiting"."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
_FIRST_DELAY, _GROWTH, _MAX_DELAY = 0.05, 1.5, 0.5


@dataclass(frozen=True)
class Waited:
    """settled: the record says the execution is done (read it for the outcome). Otherwise
    `description` is the ended execution's DescribeExecution, or None if it still runs."""

    settled: bool
    description: dict[str, Any] | None = None

    @property
    def running(self) -> bool:
        return not self.settled and self.description is None


class Workflows:
    def __init__(self, sfn: Any) -> None:
        self.sfn = sfn

    def start(self, state_machine_arn: str, name: str, payload: dict[str, Any]) -> str:
        reply = self.sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))
        return str(reply["executionArn"])

    def wait(self, execution_arn: str, timeout_seconds: float, settled: Callable[[], bool]) -> Waited:
        """Poll `settled` (a read of the execution's own record) with a growing delay until it is
        true or the deadline passes; then ask Step Functions once."""
        deadline = time.monotonic() + timeout_seconds
        delay = _FIRST_DELAY
        while True:
            if settled():
                return Waited(settled=True)
            if time.monotonic() >= deadline:
                break
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * _GROWTH, _MAX_DELAY)
        description: dict[str, Any] = self.sfn.describe_execution(executionArn=execution_arn)
        if description["status"] not in _TERMINAL:
            return Waited(settled=False)
        # It may have written its record between the last read and the description.
        return Waited(settled=True) if settled() else Waited(settled=False, description=description)
