"""The SDK's models are generated from openapi.yaml: the committed file must be what the generator
writes now, so a change of the contract that was not regenerated (`make openapi`) fails here."""

import subprocess
import sys
from pathlib import Path

import yaml
from pydantic import BaseModel

from kb_client import models
from tests.helpers import ROOT

MODELS = ROOT / "clients" / "python" / "kb_client" / "models.py"


def test_the_committed_models_are_generated_from_the_current_openapi(tmp_path: Path):
    # Given the contract as committed
    fresh = tmp_path / "models.py"
    # When the models are generated from it again
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_client_models.py"), str(fresh)], check=True)
    # Then they are exactly the committed ones
    assert fresh.read_text() == MODELS.read_text(), "clients/python/kb_client/models.py is stale: run `make openapi`"


def test_the_schemas_the_clients_read_have_models_of_the_same_name():
    # Given the contract's component schemas
    schemas = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]["schemas"]
    # Then each one the SDK reads answers with has a generated model of that name
    for name in (
        "Source",
        "Run",
        "ApplyResult",
        "GenerationView",
        "SearchResponse",
        "Answer",
        "BatchResult",
        "ErrorBody",
        "UsageReport",
        "PerformanceReport",
        "QueryLogPage",
        "AnalyticsSettingsEnvelope",
        "UpdateAnalyticsSettingsRequest",
        "FeedbackRequest",
        "FeedbackEnvelope",
    ):
        assert name in schemas
        assert issubclass(getattr(models, name), BaseModel), name
