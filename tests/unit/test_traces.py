"""X-Ray never records a response: responses carry one-time secrets (new and rotated keys,
webhook secrets) and customer content."""

from contextlib import contextmanager
from typing import Any

import pytest

from kb.aws import AwsClients, get_clients
from kb.http import deps
from kb.keys.models import CreateKeyRequest
from kb.keys.service import issue_key, parse_key
from kb.observability import tracer
from kb.settings import Settings, get_settings
from local.cfn import load_template
from scripts.generate_openapi import function_modules
from tests.helpers import ROOT, body_of, lambda_context, sample_event
from tests.unit.test_http_errors import NoFailedAuthentications, UnlimitedLimiter
from tests.unit.test_keys import InMemoryKeys


class RecordingSubsegment:
    def __init__(self) -> None:
        self.metadata: list[tuple[str, Any]] = []

    def put_metadata(self, key: str, value: Any, namespace: str = "") -> None:
        self.metadata.append((key, value))

    def put_annotation(self, key: str, value: Any) -> None:
        pass


class RecordingProvider:
    """Stands in for the X-Ray provider: keeps what would have been sent."""

    def __init__(self) -> None:
        self.subsegments: list[RecordingSubsegment] = []

    @contextmanager
    def in_subsegment(self, name: str):
        subsegment = RecordingSubsegment()
        self.subsegments.append(subsegment)
        yield subsegment


@pytest.fixture
def create_key_function():
    module = function_modules()["create_key"]
    keys = InMemoryKeys()
    admin = issue_key(keys, "ten_1", CreateKeyRequest(name="admin", scope="admin"))  # type: ignore[arg-type]
    module.app.dependency_overrides[deps.key_repository] = lambda: keys
    module.app.dependency_overrides[deps.rate_limiter] = UnlimitedLimiter
    module.app.dependency_overrides[deps.failed_auth_limiter] = NoFailedAuthentications
    module.app.dependency_overrides[get_settings] = lambda: Settings.model_validate(
        {"TABLE_NAME": "t", "BUCKET_NAME": "b"}
    )
    module.app.dependency_overrides[get_clients] = lambda: AwsClients(dynamodb=None, s3=None, sfn=None)
    yield module, admin.secret
    module.app.dependency_overrides.clear()


def test_a_new_keys_secret_is_answered_but_never_traced(create_key_function, monkeypatch):
    # Given tracing that records what it would send
    module, admin = create_key_function
    provider = RecordingProvider()
    monkeypatch.setattr(tracer, "provider", provider)
    event = sample_event("create_key", ADMIN_KEY=admin, IDEMPOTENCY_KEY="unused")
    event["headers"].pop("idempotency-key")
    # When a key is created through the real handler
    response = module.handler(event, lambda_context())
    # Then the caller gets the secret, and the trace holds no response
    secret = body_of(response)["secret"]
    assert (response["statusCode"], parse_key(secret) is not None) == (201, True)
    assert provider.subsegments
    recorded = [metadata for subsegment in provider.subsegments for metadata in subsegment.metadata]
    assert not [key for key, _ in recorded if key.endswith("response")]
    assert secret.split("_", 3)[3] not in repr(recorded)


def test_every_function_is_deployed_without_response_capture():
    variables = load_template(ROOT / "template.yaml")["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
