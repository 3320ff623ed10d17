"""Powertools observability objects. They read their settings (POWERTOOLS_SERVICE_NAME,
POWERTOOLS_METRICS_NAMESPACE, ...) from the environment the template sets.

The tracer's provider is the X-Ray recorder, resolved on first use: importing the X-Ray SDK and
patching botocore (~30 ms in Lambda) happen on the first traced invocation, or before the
SnapStart snapshot (kb.snapstart), not at import. Outside Lambda the SDK would also build two
botocore clients for centralized sampling (~150 ms); in Lambda it samples locally."""

import warnings
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

# Every AWS call, and http.client under urllib3 (webhook deliveries): what patch_all traced in
# the layer, without probing for libraries we do not ship.
TRACED_LIBRARIES = ("botocore", "httplib")


@lru_cache(maxsize=1)
def xray_recorder() -> Any:
    from aws_xray_sdk.core import patch
    from aws_xray_sdk.core import xray_recorder as recorder

    patch(TRACED_LIBRARIES)
    return recorder


class _RecorderOnFirstUse:
    """Stands for aws_xray_sdk's recorder in Powertools' Tracer until something is traced."""

    def __getattr__(self, name: str) -> Any:
        return getattr(xray_recorder(), name)


logger = Logger()
# auto_patch=False: patching happens with the recorder's import (xray_recorder above).
tracer = Tracer(provider=_RecorderOnFirstUse(), auto_patch=False)  # type: ignore[arg-type]
metrics = Metrics()

# Read-only endpoints publish no business metric on most invocations; that is expected.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
