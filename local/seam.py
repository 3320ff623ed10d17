"""The one seam between moto and our runtime: moto's LambdaFunction._invoke_lambda, which would
start a Docker container, is replaced by a dispatch to a worker process running the real handler.

It is private API: moto is pinned, and check_seam() (run at start-up and by a test) fails loudly
if the method moves or changes shape."""

import inspect
from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaFunction

SEAM_NAME = "_invoke_lambda"
EXPECTED_PARAMETERS = ["self", "event"]
# (function name, moto's view of the function, the event) -> (payload, errored, logs)
Dispatch = Callable[[Any, Any], tuple[str, bool, str]]


class SeamMoved(RuntimeError):
    pass


def check_seam() -> None:
    original = getattr(LambdaFunction, "_kb_original_invoke", None) or getattr(LambdaFunction, SEAM_NAME, None)
    if original is None or not callable(original):
        raise SeamMoved(f"moto's LambdaFunction.{SEAM_NAME} is gone: re-pin moto or move the seam.")
    parameters = list(inspect.signature(original).parameters)
    if parameters != EXPECTED_PARAMETERS:
        raise SeamMoved(f"moto's LambdaFunction.{SEAM_NAME}{parameters} changed shape; expected {EXPECTED_PARAMETERS}.")
    # moto.invoke() unpacks the seam's result as (payload, errored, logs).
    source = inspect.getsource(LambdaFunction.invoke)
    if f"res, errored, logs = self.{SEAM_NAME}(event=body)" not in source:
        raise SeamMoved("moto's LambdaFunction.invoke no longer calls the seam as (payload, errored, logs).")


def install(dispatch: Dispatch) -> None:
    check_seam()
    if not hasattr(LambdaFunction, "_kb_original_invoke"):
        LambdaFunction._kb_original_invoke = getattr(LambdaFunction, SEAM_NAME)  # type: ignore[attr-defined]

    def invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        return dispatch(self, event)

    setattr(LambdaFunction, SEAM_NAME, invoke_lambda)


def uninstall() -> None:
    original = getattr(LambdaFunction, "_kb_original_invoke", None)
    if original is not None:
        setattr(LambdaFunction, SEAM_NAME, original)
