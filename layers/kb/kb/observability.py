"""Powertools observability objects. Constructing them is cheap; they read their settings
(POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, ...) from the environment the template sets."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Read-only endpoints publish no business metric on most invocations; that is expected.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
