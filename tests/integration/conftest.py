from collections.abc import Iterator

import pytest

from local.stack import LocalStack


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """moto's server with the template deployed and the seam installed (no gateway)."""
    local = LocalStack(gateway_port=None, parameter_overrides={"ExecutionWaitSeconds": "20"})
    local.start()
    yield local
    local.stop()
