"""The JavaScript client's own tests that need no stack (clients/js/test): retries, idempotency,
pagination, 202 polling, streamed answers from a recorded stream, webhook signatures, and that
src/schema.ts and dist/ are current. `make test` installs clients/js/node_modules (npm ci)."""

import os
import re
import shutil
import subprocess

import pytest

from tests.helpers import ROOT

CLIENT = ROOT / "clients" / "js"
NODE = shutil.which("node") or "node"


def test_the_javascript_client_suite_passes() -> None:
    if not (CLIENT / "node_modules" / ".bin" / "tsc").exists() and not os.environ.get("CI"):
        pytest.skip("clients/js/node_modules is missing: `make test` (or `npm ci` in clients/js) installs it")
    tests = ["test/client.test.mjs", "test/webhooks.test.mjs", "test/build.test.mjs"]
    done = subprocess.run([NODE, "--test", *tests], cwd=CLIENT, capture_output=True, text=True, timeout=180)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert re.search(r"^# fail 0$", report, re.M), report
    assert int(re.search(r"^# pass (\d+)$", report, re.M).group(1)) >= 20, report  # type: ignore[union-attr]
