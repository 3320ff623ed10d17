"""moto's Lambda invocation seam is private API: these tests fail loudly if it moves."""

import json

import pytest
from moto.awslambda.models import LambdaFunction

from local import seam


def test_the_pinned_moto_still_has_the_seam_in_the_expected_shape():
    seam.check_seam()  # raises SeamMoved otherwise


def test_a_seam_with_another_signature_is_refused(monkeypatch):
    # Given moto's method grew a parameter
    def changed(self, event=None, context=None):
        return "", False, ""

    monkeypatch.delattr(LambdaFunction, "_kb_original_invoke", raising=False)
    monkeypatch.setattr(LambdaFunction, seam.SEAM_NAME, changed)
    # Then the check refuses it
    with pytest.raises(seam.SeamMoved):
        seam.check_seam()


def test_a_missing_seam_is_refused(monkeypatch):
    monkeypatch.delattr(LambdaFunction, "_kb_original_invoke", raising=False)
    monkeypatch.delattr(LambdaFunction, seam.SEAM_NAME)
    with pytest.raises(seam.SeamMoved):
        seam.check_seam()


def test_an_invocation_through_the_lambda_api_runs_the_real_handler(stack):
    # When the health function is invoked through moto's Lambda API
    payload, errored = stack.invoke("HealthFunction", json.loads((stack.root / "events" / "health.json").read_text()))
    # Then the answer is our handler's, not Docker's
    assert not errored
    assert (payload["statusCode"], json.loads(payload["body"])) == (200, {"status": "ok"})
