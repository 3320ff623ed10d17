"""The after-response extension (kb.afterwork.LambdaExtension) against an Extensions API served
over HTTP on loopback (the local stack's, local/extensions_api.py): register, event/next, INVOKE."""

import functools
import threading
import time
from collections.abc import Iterator

import pytest

from kb import afterwork
from local.extensions_api import ExtensionsApi

ARN = "arn:aws:lambda:us-east-1:123456789012:function:search"


@pytest.fixture
def api() -> Iterator[ExtensionsApi]:
    server = ExtensionsApi("search")
    yield server
    server.stop()


def _registered(api: ExtensionsApi) -> afterwork.LambdaExtension:
    extension = afterwork.LambdaExtension(api.address)
    extension.start()
    assert api.wait_done(5), "the extension asks for its first event at Init"
    return extension


def test_work_deferred_by_an_invocation_runs_after_its_handler_ended_and_before_it_is_done(
    api: ExtensionsApi,
) -> None:
    # Given a registered extension, and an invocation whose handler defers a record
    extension = _registered(api)
    ran: list[str] = []
    handler_ended = threading.Event()
    api.invoke("req-1", time.time() + 30, ARN)
    extension.defer(lambda: ran.append("after" if handler_ended.is_set() else "during"))
    # When the handler has not ended yet, the invocation is not done
    assert not api.wait_done(0.2)
    assert ran == []
    # When the handler ends (its response is out)
    handler_ended.set()
    extension.invocation_ended()
    # Then the invocation is done only after the deferred work ran, after the handler
    assert api.wait_done(5)
    assert ran == ["after"]


def test_each_invocation_drains_its_own_work(api: ExtensionsApi) -> None:
    # Given a registered extension
    extension = _registered(api)
    ran: list[int] = []
    # When three invocations in turn each defer one piece of work
    for n in range(3):
        api.invoke(f"req-{n}", time.time() + 30, ARN)
        extension.defer(functools.partial(ran.append, n))
        extension.invocation_ended()
        assert api.wait_done(5)
        # Then each is done with its own work run, none left for the next
        assert ran == list(range(n + 1))


def test_failing_work_is_counted_and_the_rest_still_runs(api: ExtensionsApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a registered extension and a metric counter we can read
    counted: list[str] = []
    monkeypatch.setattr(afterwork, "count", counted.append)
    extension = _registered(api)
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("DynamoDB said no")

    # When an invocation defers work that fails, then work that succeeds
    api.invoke("req-1", time.time() + 30, ARN)
    extension.defer(fail)
    extension.defer(lambda: ran.append("second"))
    extension.invocation_ended()
    # Then the failure is counted, the next work runs, and the invocation still ends
    assert api.wait_done(5)
    assert counted == ["AfterWorkFailed"]
    assert ran == ["second"]


def test_registering_after_init_falls_back_to_running_work_at_once(
    api: ExtensionsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an environment whose Init is over (it took an invocation)
    api.invoke("req-1", time.time() + 30, ARN)
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", api.address)
    monkeypatch.delenv("AWS_LAMBDA_EXEC_WRAPPER", raising=False)
    # When the process builds its runner only now
    runner = afterwork.for_lambda()
    # Then Lambda refuses the registration and work runs at once, never lost
    assert type(runner) is afterwork.AfterWork
    ran: list[str] = []
    runner.defer(lambda: ran.append("now"))
    assert ran == ["now"]


def test_without_an_extensions_api_or_under_the_web_adapter_work_runs_at_once(
    api: ExtensionsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    assert afterwork.for_lambda().deferred is False
    # The Lambda Web Adapter's web server is not the runtime's process: no extension there
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", api.address)
    monkeypatch.setenv("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap")
    assert afterwork.for_lambda().deferred is False
