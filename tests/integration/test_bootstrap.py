"""The bootstrap command an operator runs against a fresh deployment, run against moto."""

import os
import re
import subprocess
import sys

from kb.keys.repository import KeyRepository
from kb.keys.service import authenticate
from kb.storage import Table
from local.deploy import client
from tests.helpers import ROOT


def test_the_bootstrap_command_creates_a_tenant_and_an_admin_key_that_authenticates(stack):
    # When the command runs with the ordinary AWS environment pointed at the stack
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": stack.info.moto_endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bootstrap_tenant.py"),
            "--table",
            stack.info.table_name,
            "--name",
            "Acme",
            "--region",
            "us-east-1",
            "--max-keys",
            "7",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    # Then it prints a tenant and an admin key, and the key authenticates to that tenant
    tenant = re.search(r"tenant:\s+(\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    key = re.search(r"admin key:\s+(\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    table = Table(client("dynamodb", stack.info.moto_endpoint), stack.info.table_name)
    principal = authenticate(KeyRepository(table), key)
    assert (principal.tenant_id, principal.scope) == (tenant, "admin")
    # And the tenant has the plan asked for, its admin key counted
    created = KeyRepository(table).get_tenant(tenant)
    assert created is not None
    assert (created.plan.max_keys, created.plan.max_rate_limit_per_minute, created.key_count) == (7, 10_000, 1)
