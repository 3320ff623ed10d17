"""Webhook signatures as the API makes them (kb.webhooks.delivery.sign) verify with the SDK."""

from datetime import UTC, datetime, timedelta

import pytest

from kb.webhooks.delivery import sign
from kb_client import InvalidSignatureError, verify_webhook

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = '{"id":"evt_1","type":"webhook.test","timestamp":"2026-01-01T00:00:00Z","data":{"message":"hi"}}'


def headers(signature: str, at: datetime) -> dict[str, str]:
    return {"webhook-id": "dlv_1", "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}


def test_a_delivery_signed_by_the_api_verifies_and_parses():
    now = datetime.now(UTC)
    event = verify_webhook(BODY.encode(), headers(sign([SECRET], "dlv_1", now, BODY), now), SECRET)
    assert event.type == "webhook.test"
    assert event.data == {"message": "hi"}


def test_during_a_rotation_either_secret_verifies():
    now, old = datetime.now(UTC), "whsec_" + "b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZC0xMjM0"
    signature = sign([old, SECRET], "dlv_1", now, BODY)
    assert verify_webhook(BODY, headers(signature, now), SECRET).id == "evt_1"
    assert verify_webhook(BODY, headers(signature, now), old).id == "evt_1"


@pytest.mark.parametrize("tamper", ["body", "secret", "stale"])
def test_a_tampered_wrongly_signed_or_stale_delivery_is_refused(tamper):
    now = datetime.now(UTC)
    at = now - timedelta(minutes=10) if tamper == "stale" else now
    signature = sign([SECRET], "dlv_1", at, BODY)
    body = BODY.replace("hi", "ho") if tamper == "body" else BODY
    secret = "whsec_" + "c29tZS1vdGhlci1zZWNyZXQtZm9yLXRoZS10ZXN0" if tamper == "secret" else SECRET
    with pytest.raises(InvalidSignatureError):
        verify_webhook(body, headers(signature, at), secret)
