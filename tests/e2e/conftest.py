"""The local stack as `make run` starts it (a separate process), driven over real HTTP."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb.storage import Table
from local.controls import Controls
from local.deploy import client
from tests.helpers import ROOT

STARTUP_SECONDS = 120
# The stack takes its admin key from LOCAL_ADMIN_KEY when set (checked by a test).
FIXED_ADMIN_KEY = "sk_live_00e2e00000000000_" + "e2eAdminSecret-0123456789abcdefghijklmnop"


class _FromAddress(HTTPAdapter):
    """Connects from a given local address: any of 127.0.0.0/8 reaches the loopback gateway."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))


@dataclass
class Api:
    url: str
    admin_key: str
    info: dict[str, Any]

    def call(
        self,
        method: str,
        path: str,
        key: str | None = None,
        json_body: Any = None,
        source_address: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """`source_address`: call from another loopback address, so requests that fail
        authentication on purpose count against that address and not the suite's 127.0.0.1."""
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        if source_address is None:
            return requests.request(method, f"{self.url}{path}", json=json_body, headers=headers, timeout=60, **kwargs)
        with requests.Session() as session:
            session.mount("http://", _FromAddress(source_address))
            return session.request(method, f"{self.url}{path}", json=json_body, headers=headers, timeout=60, **kwargs)


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    state_dir = tmp_path_factory.mktemp("stack")
    log = (state_dir / "stack.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local",
            "--port",
            "0",
            "--state-dir",
            str(state_dir),
            # Per-source clock offsets, build latches and storage faults (local/controls.py).
            "--test-controls",
            # A high default rate limit keeps the suite's own traffic from tripping it; the
            # rate-limit tests set small limits per key.
            "--parameter",
            "RateLimitPerMinute=100000",
            "--parameter",
            "RateLimitPerHour=10000000",
            "--parameter",
            "RateLimitPerDay=100000000",
            "--parameter",
            "BulkRateLimitPerMinute=100000",
            "--parameter",
            "GenerationRetention=3",
            # Webhook retries after 1 s, 1 s, 1 s instead of 5 s ... 10 h.
            "--parameter",
            "WebhookRetrySchedule=1,1,1",
            # A webhook attempt's deadline: long enough that other deliveries visibly overtake a
            # receiver that hangs, short enough that a test can wait one out.
            "--parameter",
            "WebhookTimeoutSeconds=10",
            # Auto publishing retries after 1 s, 2 s, 4 s instead of 30 s, 60 s, 120 s.
            "--parameter",
            "AutoPublishRetrySeconds=1",
            # Import slices of 16 KiB: a file of a few thousand lines is read in many slices.
            "--parameter",
            "ImportSliceBytes=16384",
            # Reranking through the Rerank API, answered by the local stub (local/stub_bedrock.py),
            # only for the searches that ask for it: the other tests' orders stay the ranking's.
            "--stub-bedrock-ms",
            "0",
            "--parameter",
            "RerankProvider=bedrock",
            "--parameter",
            "RerankByDefault=false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LOCAL_ADMIN_KEY": FIXED_ADMIN_KEY},
    )
    try:
        info = _wait_until_ready(process, state_dir / "stack.json", state_dir / "stack.log")
        yield Api(info["api_url"], info["admin_key"], {**info, "state_dir": str(state_dir)})
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_ready(process: subprocess.Popen[bytes], state_file: Path, log_file: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited:\n{log_file.read_text()}")
        if state_file.exists():
            info: dict[str, Any] = json.loads(state_file.read_text())
            return info
        time.sleep(0.2)
    raise RuntimeError(f"the local stack did not start in {STARTUP_SECONDS}s:\n{log_file.read_text()}")


@pytest.fixture
def writer_key(api: Api) -> str:
    reply = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "e2e writer", "scope": "write"})
    assert reply.status_code == 201, reply.text
    secret: str = reply.json()["secret"]
    return secret


@pytest.fixture
def source_id(api: Api, writer_key: str) -> str:
    reply = api.call("POST", "/v1/sources", writer_key, {"name": "Help center", "graceDays": 7})
    assert reply.status_code == 201, reply.text
    identifier: str = reply.json()["source"]["id"]
    return identifier


@pytest.fixture(scope="session")
def table(api: Api) -> Table:
    return Table(client("dynamodb", api.info["moto_endpoint"]), api.info["table_name"])


@pytest.fixture
def other_tenant_admin(table: Table) -> str:
    """The admin key of a second tenant, bootstrapped straight in the table."""
    secret = bootstrap_tenant(KeyRepository(table), "other tenant").secret
    assert secret is not None
    return secret


def webhook_ids(api: Api, key: str) -> set[str]:
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = api.call("GET", "/v1/webhooks", key, params=params).json()
        ids.update(webhook["id"] for webhook in page["webhooks"])
        if not (cursor := page.get("nextCursor")):
            return ids


@pytest.fixture(scope="module", autouse=True)
def webhooks_end_with_their_module(api: Api) -> Iterator[None]:
    """The webhooks a module subscribes in the suite's tenant are deleted when it ends. Left behind,
    each one (many at a closed port or a made-up host, some to every event) would get a delivery of
    every later event, failing a few times each, and the later tests' deliveries queued behind them
    until their waits ran out (docs/testing.md)."""
    before = webhook_ids(api, api.admin_key)
    yield
    for webhook_id in webhook_ids(api, api.admin_key) - before:
        api.call("DELETE", f"/v1/webhooks/{webhook_id}", api.admin_key)


@pytest.fixture(scope="session")
def controls(api: Api) -> Controls:
    """The local stack's test controls: shift a source's clock, hold its builds, fail their storage."""
    return Controls(Table(client("dynamodb", api.info["moto_endpoint"]), api.info["controls_table"]))


def push(api: Api, key: str, source_id: str, item_id: str, content: str, **fields: Any) -> requests.Response:
    body = {"externalItemId": item_id, "content": content, **fields}
    return api.call("POST", f"/v1/sources/{source_id}/items", key, body)


def run(api: Api, key: str, source_id: str) -> dict[str, Any]:
    """A finished run: 201, or a 202 whose Location is polled until the run finishes."""
    reply = api.call("POST", f"/v1/sources/{source_id}/runs", key)
    assert reply.status_code in (201, 202), reply.text
    if reply.status_code == 202:
        return poll(api, key, reply.headers["Location"].removeprefix("/api"), "run")
    result: dict[str, Any] = reply.json()["run"]
    return result


def apply(api: Api, key: str, source_id: str, run_id: str) -> requests.Response:
    return api.call("POST", f"/v1/sources/{source_id}/runs/{run_id}/apply", key)


POLL_SECONDS = 120


def poll(api: Api, key: str, path: str, envelope: str) -> dict[str, Any]:
    """GET `path` until the work it names has finished (succeeded or failed), as a client would."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        reply = api.call("GET", path, key)
        assert reply.status_code == 200, reply.text
        work: dict[str, Any] = reply.json()[envelope]
        if work["status"] in ("succeeded", "failed"):
            return work
        assert time.monotonic() < deadline, f"{path} is still {work['status']}"
        time.sleep(0.2)


def run_and_apply(api: Api, key: str, source_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run and apply until published. An apply that outlasts ExecutionWaitSeconds answers 202
    (a big item's embeddings on a busy machine); as a client would, poll its Location."""
    planned = run(api, key, source_id)
    applied = apply(api, key, source_id, planned["id"])
    assert applied.status_code in (200, 202), applied.text
    result: dict[str, Any] = applied.json()
    if applied.status_code == 202:
        generation = poll(api, key, applied.headers["Location"].removeprefix("/api"), "generation")
        assert generation["status"] == "succeeded", generation
        result = {**result, "status": "published"}
    return planned, result
