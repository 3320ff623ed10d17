"""AWS clients, created lazily once per process; FastAPI routes receive them as dependencies.

boto3 honours AWS_ENDPOINT_URL, which is how the same code reaches moto's server locally.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})
# Embedding calls run concurrently (kb.search.embeddings): a connection each, and adaptive retries,
# whose client-side rate limiter slows every thread of the process down once Bedrock throttles.
_BEDROCK_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 3}, max_pool_connections=16)


@dataclass(frozen=True)
class AwsClients:
    dynamodb: Any
    s3: Any
    sfn: Any
    sqs: Any = None
    ssm: Any = None


@lru_cache(maxsize=1)
def get_clients() -> AwsClients:
    return AwsClients(
        dynamodb=boto3.client("dynamodb", config=_CONFIG),
        s3=boto3.client("s3", config=_CONFIG),
        sfn=boto3.client("stepfunctions", config=_CONFIG),
        sqs=boto3.client("sqs", config=_CONFIG),
        ssm=boto3.client("ssm", config=_CONFIG),
    )


@lru_cache(maxsize=1)
def get_bedrock() -> Any:
    """bedrock-runtime, only for the functions that embed or answer (and only when they do)."""
    return boto3.client("bedrock-runtime", config=_BEDROCK_CONFIG)
