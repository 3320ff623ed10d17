"""The contract fuzz (schemathesis over openapi.yaml), started in the background when the e2e tier
starts and judged by tests/e2e/test_schema.py near its end. It takes minutes, most of them waiting
on the stack; run alone at the end it added them all to the suite's time.

It calls from a loopback address of its own (the suite calls from 127.0.0.1): its invalid-key
probes count against that address's failed authentications, never against the rest of the suite."""

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.helpers import ROOT

FUZZ_ADDRESS = "127.0.0.77"
# Started early, it overlaps the whole tier; a run past this is a failure, not a slow pass.
FUZZ_SECONDS = 1500

# Every check; those that need what this run does not give (links between operations, a second
# user's credentials) skip themselves. Tenant isolation has its own tests.
_ARGUMENTS = [
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing",
    "--max-examples",
    "10",
    "--workers",
    "2",
    # Rotating or revoking its own key would leave the fuzzer locked out for the rest of the run;
    # those two have their own end-to-end tests. So would restricting its own key to other source
    # ranges, or to one request a day (test_key_ranges.py and test_rate_windows.py test updates).
    "--exclude-operation-id",
    "rotate_key",
    "--exclude-operation-id",
    "revoke_key",
    "--exclude-operation-id",
    "update_key",
    "--seed",
    "20261122",
]

# Runs schemathesis' CLI with every connection opened from FUZZ_ADDRESS.
_LAUNCHER = f"""
import sys
import urllib3.util.connection as connection
_create = connection.create_connection
def _from_fuzz_address(address, *args, source_address=None, **kwargs):
    return _create(address, *args, source_address=("{FUZZ_ADDRESS}", 0), **kwargs)
connection.create_connection = _from_fuzz_address
from schemathesis.cli import schemathesis
sys.argv[0] = "schemathesis"
schemathesis()
"""


@dataclass
class ContractFuzz:
    process: subprocess.Popen[bytes]
    output: IO[bytes]
    output_path: Path
    started: float

    @classmethod
    def start(cls, api_url: str, admin_key: str, output_path: Path) -> "ContractFuzz":
        output = output_path.open("wb")
        command = [
            sys.executable,
            "-c",
            _LAUNCHER,
            "--config-file",
            str(ROOT / "tests" / "e2e" / "schemathesis.toml"),
            "run",
            str(ROOT / "openapi.yaml"),
            "--url",
            api_url,
            "--header",
            f"Authorization: Bearer {admin_key}",
            *_ARGUMENTS,
        ]
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        return cls(process, output, output_path, time.monotonic())

    def result(self) -> tuple[int | None, str]:
        """The fuzz's exit code (None if it outran FUZZ_SECONDS and was stopped) and its output."""
        remaining = max(0.0, self.started + FUZZ_SECONDS - time.monotonic())
        try:
            code: int | None = self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            self.stop()
            code = None
        self.output.flush()
        return code, self.output_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output.close()
