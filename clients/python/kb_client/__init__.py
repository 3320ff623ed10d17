"""Python SDK and CLI (`kb`) of the Knowledge Base API: `from kb_client import Client`."""

from . import models
from ._http import RetryPolicy
from ._lifecycle import Published, SyncReport
from .async_client import AsyncClient
from .client import Client
from .errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    KbError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    WaitTimeoutError,
    WorkFailedError,
)
from .streaming import AnswerEvent, CitationEvent, DeltaEvent, DoneEvent, StartEvent, StreamError
from .webhooks import InvalidSignatureError, WebhookEvent, verify_webhook

__all__ = [
    "AnswerEvent",
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "CitationEvent",
    "Client",
    "ConflictError",
    "DeltaEvent",
    "DoneEvent",
    "InvalidSignatureError",
    "KbError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Published",
    "RateLimitedError",
    "RetryPolicy",
    "ServerError",
    "StartEvent",
    "StreamError",
    "SyncReport",
    "WaitTimeoutError",
    "WebhookEvent",
    "WorkFailedError",
    "models",
    "verify_webhook",
]
