"""The JavaScript client (clients/js) against the local stack: its own node:test suite
(clients/js/test/stack.test.mjs), given the stack's URL and admin key."""

import os
import re
import shutil
import subprocess

from tests.e2e.conftest import Api
from tests.helpers import ROOT

CLIENT = ROOT / "clients" / "js"
NODE = shutil.which("node") or "node"


def test_the_javascript_client_drives_the_stack_end_to_end(api: Api) -> None:
    # Given the running stack, when the client's stack suite runs against it
    env = {**os.environ, "KB_API_URL": api.url, "KB_ADMIN_KEY": api.admin_key}
    if api.info.get("stream_url"):  # the streaming function URL, where the stack serves one
        env["KB_STREAM_URL"] = api.info["stream_url"]
    done = subprocess.run(
        [NODE, "--test", "test/stack.test.mjs"], cwd=CLIENT, env=env, capture_output=True, text=True, timeout=240
    )
    # Then every test passed (the streaming one may skip until the stack streams), none was skipped
    # for want of a stack
    report = done.stdout + done.stderr
    print(report)  # per-test timings in the captured output
    assert done.returncode == 0, report
    passed = int(re.search(r"^# pass (\d+)$", report, re.M).group(1))  # type: ignore[union-attr]
    assert passed >= 6, report
    assert "KB_API_URL and KB_ADMIN_KEY name no stack" not in report
