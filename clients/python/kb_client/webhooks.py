"""Verify a webhook delivery as the API signs it (Standard Webhooks: webhook-id, webhook-timestamp,
webhook-signature = `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated while a
rotated secret overlaps). The signature is checked against the raw body, before parsing it."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from standardwebhooks import Webhook as _Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from .errors import KbError


class InvalidSignatureError(KbError):
    """Missing headers, a signature made with another secret, or a timestamp over 5 minutes off."""


class WebhookEvent(BaseModel):
    """One delivered event: `{"id", "type", "timestamp", "data"}` (docs/webhooks.md lists the types)."""

    model_config = ConfigDict(extra="allow")
    id: str
    type: str
    timestamp: str
    data: dict[str, Any]


def verify_webhook(body: bytes | str, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """The event, if `headers` carry a valid signature of `body` made with `secret` (`whsec_...`)."""
    raw = body.decode() if isinstance(body, bytes) else body
    try:
        payload = _Verifier(secret).verify(raw, dict(headers))
    except WebhookVerificationError as error:
        raise InvalidSignatureError(str(error)) from error
    return WebhookEvent.model_validate(payload)
