from collections.abc import Iterator

import pytest

from local.stack import LocalStack


# Package scope: stopped (with its function workers, one process each) when the integration tier
# ends, so the e2e tier's stack does not run beside it: two stacks' workers outgrew memory.
@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    """moto's server with the template deployed and the seam installed (no gateway)."""
    local = LocalStack(gateway_port=None, parameter_overrides={"ExecutionWaitSeconds": "20"})
    local.start()
    yield local
    local.stop()
