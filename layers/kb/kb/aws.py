"""AWS clients, each created on first use and kept for the process; FastAPI routes receive them
as dependencies, tests pass their own.

A botocore client costs tens of milliseconds to build (its service model is loaded and parsed),
so a function builds only the clients it touches. Under SnapStart, kb.snapstart builds the usual
ones before the snapshot instead. boto3 honours AWS_ENDPOINT_URL, which is how the same code
reaches moto's server locally.
"""

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})
# Our DynamoDB requests are built by typed code and DynamoDB validates them again: botocore's
# client-side validation of a 100-action transaction costs more CPU than its serialization.
_DYNAMODB_CONFIG = _CONFIG.merge(Config(parameter_validation=False))
# Embedding calls run concurrently (kb.search.embeddings): a connection each, and adaptive retries,
# whose client-side rate limiter slows every thread of the process down once Bedrock throttles.
_BEDROCK_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 3}, max_pool_connections=16)
SERVICES = {"dynamodb": "dynamodb", "s3": "s3", "sfn": "stepfunctions", "sqs": "sqs", "ssm": "ssm"}


def _create(service: str) -> Any:
    return boto3.client(service, config=_DYNAMODB_CONFIG if service == "dynamodb" else _CONFIG)


class AwsClients:
    """The process's clients by short name (dynamodb, s3, sfn, sqs, ssm)."""

    def __init__(self, factory: Callable[[str], Any] = _create, **given: Any) -> None:
        self._factory = factory
        self._clients: dict[str, Any] = dict(given)  # tests pass theirs (None: never used)
        self._lock = threading.Lock()  # boto3's default session is not safe to share while creating

    def _get(self, name: str) -> Any:
        if name not in self._clients:
            with self._lock:
                if name not in self._clients:
                    self._clients[name] = self._factory(SERVICES[name])
        return self._clients[name]

    def created(self) -> set[str]:
        return set(self._clients)

    @property
    def dynamodb(self) -> Any:
        return self._get("dynamodb")

    @property
    def s3(self) -> Any:
        return self._get("s3")

    @property
    def sfn(self) -> Any:
        return self._get("sfn")

    @property
    def sqs(self) -> Any:
        return self._get("sqs")

    @property
    def ssm(self) -> Any:
        return self._get("ssm")


@lru_cache(maxsize=1)
def get_clients() -> AwsClients:
    return AwsClients()


@lru_cache(maxsize=1)
def get_bedrock() -> Any:
    """bedrock-runtime, only for the functions that embed or answer (and only when they do)."""
    return boto3.client("bedrock-runtime", config=_BEDROCK_CONFIG)


@lru_cache(maxsize=1)
def get_bedrock_agent_runtime() -> Any:
    """bedrock-agent-runtime (its Rerank API), only for the search function when it reranks."""
    # Short timeouts and one retry: a rerank that cannot answer quickly is skipped (the search
    # answers in its own order), within the search function's 29 s.
    config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=8)
    return boto3.client("bedrock-agent-runtime", config=config)


@lru_cache(maxsize=1)
def get_lambda() -> Any:
    """lambda, only for the console function (it looks up the stream function's URL once). A person
    waits for the page meanwhile: short timeouts, and one retry."""
    config = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=5)
    return boto3.client("lambda", config=config)
