"""The contract, fuzzed: schemathesis drives every operation of openapi.yaml against the local
stack with every check that applies: no 5xx, responses (status, headers, body) as declared,
requests the schema allows accepted and those it refuses refused, undeclared methods answered
405 with Allow. tests/e2e/schemathesis.toml names, per operation, the refusals the schema cannot
express (opaque cursors, cross-field rules, item bodies)."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb.storage import Table
from tests.e2e.conftest import Api, webhook_ids
from tests.helpers import ROOT


def slowest_operations(junit: Path, count: int = 12) -> str:
    """The operations the fuzz spent most time on (its budget: docs/testing.md)."""
    if not junit.exists():
        return "no report"
    cases = ElementTree.parse(junit).getroot().iter("testcase")  # noqa: S314 - the report this test wrote
    timed = sorted(((float(c.get("time") or 0), c.get("name") or "") for c in cases), reverse=True)
    return "\n".join(f"{seconds:7.1f}s {name}" for seconds, name in timed[:count])


@pytest.fixture
def fuzz_tenant_admin(api: Api, table: Table) -> Iterator[str]:
    """A tenant of the fuzz's own. Its webhooks are deleted afterwards: the fuzz subscribes them
    to its own events at made-up addresses, and their failing deliveries (a few attempts each)
    would otherwise hold up the deliveries of the tests that follow for minutes."""
    secret = bootstrap_tenant(KeyRepository(table), "contract fuzz").secret
    assert secret is not None
    yield secret
    for webhook_id in webhook_ids(api, secret):
        assert api.call("DELETE", f"/v1/webhooks/{webhook_id}", secret).status_code in (200, 404)


# The fuzz covers every operation (70 and more), each with its own examples: longer than the
# suite's 300 s per test on a loaded machine; the run itself is bounded at 600 s.
@pytest.mark.timeout(660)
def test_schemathesis_finds_no_difference_between_the_contract_and_the_api(api, fuzz_tenant_admin, tmp_path):
    # In a tenant of its own: the fuzzer rotates and revokes the keys it finds, its own included.
    cli, junit = Path(sys.executable).parent / "schemathesis", tmp_path / "fuzz.xml"
    result = subprocess.run(
        [
            str(cli),
            "--config-file",
            str(ROOT / "tests" / "e2e" / "schemathesis.toml"),
            "run",
            str(ROOT / "openapi.yaml"),
            "--url",
            api.url,
            "--header",
            f"Authorization: Bearer {fuzz_tenant_admin}",
            # Every check; those that need what this run does not give (links between operations, a
            # second user's credentials) skip themselves. Tenant isolation has its own tests.
            "--checks",
            "all",
            # But not invalid credentials: sent to every operation from loopback, the suite's one
            # address, they trip the failed-authentication limit (30 a minute), after which every
            # request from there answers 429 for the rest of the minute, the fuzz's own included.
            # test_errors.py sends a missing and an unknown key to every operation instead, each
            # operation from its own loopback address.
            "--exclude-checks",
            "ignored_auth",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "10",
            "--workers",
            "4",
            # Rotating or revoking its own key would leave the fuzzer locked out for the rest of
            # the run; those two have their own end-to-end tests.
            "--exclude-operation-id",
            "rotate_key",
            "--exclude-operation-id",
            "revoke_key",
            # So would restricting its own key to other source ranges, or to one request a day
            # (tests/e2e/test_key_ranges.py and test_rate_windows.py test updates instead).
            "--exclude-operation-id",
            "update_key",
            "--seed",
            "20261122",
            # Each operation's time (all phases), for the slowest listed below.
            "--report",
            "junit",
            "--report-junit-path",
            str(junit),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(result.stdout[-3000:])  # the phases' times and warnings, shown by `pytest -rP`
    print(slowest_operations(junit))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
