"""Every example in examples/ runs against the local stack, so none can rot. Each does the
quickstart (a source, items, run, apply), a search and an answer, and prints a JSON summary on
its last line; the tests check those outcomes and read them back from the API."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `make test` installs what the examples need (curl, jq, Debian's mono-mcs)")
    return path


def run_example(api: Api, key: str, command: list[str], cwd: Path) -> dict[str, Any]:
    env = {**os.environ, "CHATBOT_API": api.url, "CHATBOT_KEY": key}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


def assert_quickstart_outcome(api: Api, key: str, summary: dict[str, Any]) -> None:
    # The run found three new items and the apply published them
    assert summary["counts"] == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "tombstoned": 0,
        "purged": 0,
        "restored": 0,
    }
    assert summary["applyStatus"] == "published"
    # The search's best result is the refunds item, and the answer cites it
    assert summary["searchIds"][0] == "refunds"
    assert "14 days" in summary["answer"]
    assert summary["citedIds"][0] == "refunds"
    # And the API agrees: the source serves that generation, with the three items staged
    source = api.call("GET", f"/v1/sources/{summary['sourceId']}", key).json()["source"]
    assert source["currentGenerationId"] == summary["generationId"]
    items = api.call("GET", f"/v1/sources/{summary['sourceId']}/items", key).json()["items"]
    assert sorted(item["externalItemId"] for item in items) == ["refunds", "returns", "shipping"]


def test_the_curl_example_runs_the_quickstart(api: Api, writer_key: str) -> None:
    summary = run_example(api, writer_key, [tool("bash"), "quickstart.sh"], EXAMPLES / "curl")
    assert_quickstart_outcome(api, writer_key, summary)


def test_the_javascript_example_runs_the_quickstart(api: Api, writer_key: str) -> None:
    summary = run_example(api, writer_key, [tool("node"), "quickstart.mjs"], EXAMPLES / "javascript")
    assert_quickstart_outcome(api, writer_key, summary)


def test_the_csharp_example_compiles_with_mono_and_runs_the_quickstart(
    api: Api, writer_key: str, tmp_path: Path
) -> None:
    program = tmp_path / "quickstart.exe"
    built = subprocess.run(
        [tool("mcs"), "-r:System.Net.Http", "-r:System.Web.Extensions", "Quickstart.cs", f"-out:{program}"],
        cwd=EXAMPLES / "csharp",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    summary = run_example(api, writer_key, [tool("mono"), str(program)], EXAMPLES / "csharp")
    assert_quickstart_outcome(api, writer_key, summary)
