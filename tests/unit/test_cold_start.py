"""Cold starts: clients are built on first use, and under SnapStart the usual ones are built
before the snapshot (through the runtime's hooks) without any network call."""

import os
import random
import subprocess
import sys
import types
from typing import Any

import pytest

from kb import snapstart
from kb.aws import SERVICES, AwsClients
from tests.helpers import ROOT


def test_a_client_is_built_only_when_first_used():
    # Given clients built by a factory that records what it builds
    built: list[str] = []

    def factory(service: str) -> object:
        built.append(service)
        return object()

    clients = AwsClients(factory=factory)
    # When only DynamoDB is used, twice
    first, second = clients.dynamodb, clients.dynamodb
    # Then only that client exists, built once
    assert built == ["dynamodb"]
    assert first is second
    assert clients.created() == {"dynamodb"}


def test_a_client_given_by_a_test_is_used_as_is():
    clients = AwsClients(factory=lambda service: pytest.fail(f"built {service}"), s3=None)
    assert clients.s3 is None


class FakeRuntimeHooks(types.ModuleType):
    """What Lambda's runtime ships as snapshot_restore_py: it keeps the registered hooks."""

    def __init__(self) -> None:
        super().__init__("snapshot_restore_py")
        self.before: list[Any] = []
        self.after: list[Any] = []

    def register_before_snapshot(self, hook: Any) -> None:
        self.before.append(hook)

    def register_after_restore(self, hook: Any) -> None:
        self.after.append(hook)


@pytest.fixture
def runtime_hooks(monkeypatch):
    hooks = FakeRuntimeHooks()
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", hooks)
    monkeypatch.setattr(snapstart, "_installed", set())
    return hooks


def test_outside_lambda_nothing_is_registered(monkeypatch):
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as off Lambda
    monkeypatch.setattr(snapstart, "_installed", set())
    assert snapstart.install_common() is False


def test_the_hooks_are_registered_once_per_process(runtime_hooks):
    # When two handlers of one process install the common hooks
    assert snapstart.install_common() is True
    assert snapstart.install_common() is False
    # Then one before-snapshot and one after-restore hook exist
    assert (len(runtime_hooks.before), len(runtime_hooks.after)) == (1, 1)


def test_before_the_snapshot_every_client_is_built_without_a_call(runtime_hooks, monkeypatch):
    # Given clients whose factory builds stand-ins that fail on any API call
    class NoCalls:
        def __getattr__(self, name: str) -> Any:
            pytest.fail(f"an API call ({name}) before the snapshot")

    clients = AwsClients(factory=lambda service: NoCalls())
    monkeypatch.setattr(snapstart, "get_clients", lambda: clients)
    monkeypatch.setattr(snapstart, "get_settings", lambda: None)
    monkeypatch.setattr(snapstart, "xray_recorder", lambda: None)
    snapstart.install_common()
    # When the runtime runs the before-snapshot hook
    runtime_hooks.before[0]()
    # Then every client of the layer exists already
    assert clients.created() == set(SERVICES)


def test_after_a_restore_random_is_reseeded(runtime_hooks):
    # Given a process whose random state was captured in a snapshot
    snapstart.install_common()
    random.seed(7)
    captured = random.getstate()
    # When it is restored and the after-restore hook runs
    runtime_hooks.after[0]()
    # Then its jitter no longer follows the snapshot's sequence
    assert random.getstate() != captured


def test_every_handler_works_without_pydantic_v1():
    # Given an interpreter where pydantic.v1 cannot be imported, as in the built layer (pruned)
    probe = (
        "import sys; sys.modules['pydantic.v1'] = None\n"
        "from scripts.generate_openapi import function_modules\n"
        "from tests.helpers import lambda_context, sample_event\n"
        "modules = function_modules()\n"
        "reply = modules['not_found'].handler(sample_event('not_found', ADMIN_KEY='x'), lambda_context())\n"
        "print(len(modules), reply['statusCode'])\n"
    )
    # When every handler is imported and one answers a request
    env = {**os.environ, "TABLE_NAME": "t", "BUCKET_NAME": "b", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    # Then all of them load and the answer is the error shape's 404
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "404"
    assert int(done.stdout.split()[-2]) == len(list(ROOT.glob("functions/*/app.py")))


def test_the_package_imports_boto3_and_powertools_first():
    # Given a fresh interpreter that sees the layer's package
    probe = "import sys, kb; print(*(name in sys.modules for name in ('boto3', 'aws_lambda_powertools', 'kb.aws')))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "kb")}
    # When it imports the package alone
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    # Then boto3 and Powertools are loaded from its top, before any module of ours that uses them
    # (deeper in a handler's import chain they cost more to import: docs/benchmarks.md)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True", "False"]
