"""The whole local stack: moto's server, the seam, the template deployed, a tenant, the gateway."""

import json
import logging
import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import requests
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from local import faults, function_url, seam, stub_bedrock
from local.deploy import REGION, Deployment, client, deploy
from local.emulator_fixes import (
    approximate_queue_counts,
    conditions_are_parsed_once,
    dynamodb_reads_answer_plain_json,
    post_policies_are_enforced,
    query_partitions_only,
    serialize_dynamodb_requests,
    transactions_snapshot_their_items,
)
from local.function_url import FunctionUrl
from local.gateway import Gateway, cors_policy
from local.runtime import LambdaRuntime
from local.sqs_poller import QueuePoller
from local.template import Template, read_template

ROOT = Path(__file__).resolve().parent.parent
# What the local stack changes from the template's defaults: webhooks may reach loopback, embeddings
# come from the ONNX model shipped in a package, answers are extractive (no Bedrock offline).
LOCAL_PARAMETERS = {"AllowInsecureWebhooks": "true", "EmbeddingProvider": "local", "AnswerProvider": "extractive"}
# The test controls' own table (local/controls.py); not a resource of template.yaml.
CONTROLS_TABLE = "kb-local-controls"


@dataclass
class StackInfo:
    moto_endpoint: str
    api_url: str | None
    admin_key: str
    tenant_id: str
    table_name: str
    bucket_name: str
    events_queue_url: str
    deliveries_queue_url: str
    dead_letter_queue_url: str
    function_names: dict[str, str]
    controls_table: str | None = None
    # Where tests arm injected crashes (local/faults.py); only with test controls.
    faults_dir: str | None = None
    uploads_bucket_name: str | None = None
    files_queue_url: str | None = None
    # The function URLs of functions that stream (FunctionUrlConfig InvokeMode RESPONSE_STREAM):
    # logical id -> base URL; stream_url is StreamAnswersFunction's (the StreamUrl output).
    function_urls: dict[str, str] | None = None
    stream_url: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


class LocalStack:
    def __init__(
        self,
        root: Path = ROOT,
        host: str = "127.0.0.1",
        gateway_port: int | None = 3000,
        stream_port: int | None = None,
        admin_key: str | None = None,
        parameter_overrides: dict[str, str] | None = None,
        test_controls: bool = False,
        stub_bedrock_ms: float | None = None,
    ) -> None:
        self.root = root
        self.test_controls = test_controls
        self.stub_bedrock_ms = stub_bedrock_ms
        self.host = host
        self.gateway_port = gateway_port
        # The function URL beside the gateway: the next port, or any free one with --port 0.
        self.stream_port = stream_port if stream_port is not None else (gateway_port + 1 if gateway_port else 0)
        self.function_urls: list[FunctionUrl] = []
        self.admin_key = admin_key
        # The local stack lets webhooks reach http://127.0.0.1 receivers, explicitly.
        # Page cursors are signed with a key of the stack's own: state lives in memory, so a fresh
        # key per start invalidates nothing that survives a restart.
        defaults = {**LOCAL_PARAMETERS, "CursorSigningKey": secrets.token_hex(32)}
        self.template: Template = read_template(root, {**defaults, **(parameter_overrides or {})})
        self.pollers: list[QueuePoller] = []
        self.moto: ThreadedMotoServer | None = None
        self.runtime: LambdaRuntime | None = None
        self.deployment: Deployment | None = None
        self.gateway: Gateway | None = None
        self.info: StackInfo | None = None
        self.faults_dir: str | None = None

    def start(self) -> StackInfo:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request access log
        serialize_dynamodb_requests()
        query_partitions_only()
        approximate_queue_counts()
        transactions_snapshot_their_items()
        conditions_are_parsed_once()
        dynamodb_reads_answer_plain_json()
        post_policies_are_enforced()
        self.moto = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto's Step Functions engine calls Lambda back on localhost:$MOTO_PORT.
        os.environ["MOTO_PORT"] = str(port)
        requests.post(
            f"{endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10
        ).raise_for_status()
        setup = None
        if self.test_controls:
            _create_controls_table(client("dynamodb", endpoint))
            setup = ("local.controls:install_controls", (CONTROLS_TABLE,))
        self.runtime = LambdaRuntime(self.template, endpoint, REGION, setup, self._adapters())
        seam.install(self.runtime.dispatch)
        self.deployment = deploy(self.template, endpoint)
        self.runtime.functions_by_name = self.deployment.functions_by_name
        self.pollers = [QueuePoller(endpoint, source) for source in self.deployment.queue_sources]
        for poller in self.pollers:
            poller.start()
        tenant_id, admin_key = self._bootstrap_tenant(endpoint)
        api_url = None
        if self.gateway_port is not None:
            self.gateway = Gateway(self.deployment, self.host, self.gateway_port, cors_policy(self.template))
            self.gateway.start()
            api_url = f"{self.gateway.url}/api"
        urls = self._start_function_urls() if self.gateway_port is not None else {}
        self.info = StackInfo(
            moto_endpoint=endpoint,
            api_url=api_url,
            admin_key=admin_key,
            tenant_id=tenant_id,
            table_name=self.deployment.physical("KbTable"),
            bucket_name=self.deployment.physical("GenerationsBucket"),
            events_queue_url=self.deployment.physical("EventsQueue"),
            deliveries_queue_url=self.deployment.physical("DeliveriesQueue"),
            dead_letter_queue_url=self.deployment.physical("WebhookDeadLetterQueue"),
            function_names=dict(self.deployment.function_names),
            controls_table=CONTROLS_TABLE if self.test_controls else None,
            faults_dir=self.faults_dir,
            uploads_bucket_name=self.deployment.physical_if_any("UploadsBucket"),
            files_queue_url=self.deployment.physical_if_any("FilesQueue"),
            function_urls=urls,
            stream_url=urls.get("StreamAnswersFunction"),
        )
        return self.info

    def _start_function_urls(self) -> dict[str, str]:
        """A local function URL for each function whose FunctionUrlConfig streams, with the
        template's CORS (the HTTP API's endpoint being the gateway), recorded in moto."""
        assert self.runtime is not None and self.deployment is not None and self.gateway is not None
        urls: dict[str, str] = {}
        port = self.stream_port
        for logical_id in self.template.functions:
            config = function_url.resolved_config(self.template, self.deployment.resolver, self.gateway.url, logical_id)
            if config.get("InvokeMode") != "RESPONSE_STREAM":
                continue
            name = self.deployment.function_names[logical_id]
            url = FunctionUrl(self.runtime, name, self.host, port, function_url.cors_policy(config.get("Cors")))
            url.start()
            function_url.register(
                self.deployment.endpoint, name, self.template.functions[logical_id].alias, config, url.url
            )
            self.function_urls.append(url)
            urls[logical_id] = url.url
            port = 0  # a second one (none today) on any free port
        return urls

    def _adapters(self) -> dict[str, tuple[Any, ...]]:
        """The composition root of the local stack's fault injection: with test controls on, the
        webhook functions' collaborators are wrapped so tests can crash them at chosen points.
        With a stub Bedrock latency, every function's Bedrock client is the stub (benchmarks)."""
        chosen: dict[str, tuple[Any, ...]] = {}
        if self.stub_bedrock_ms is not None:
            stub = (partial(stub_bedrock.install_stub, self.stub_bedrock_ms),)
            chosen = dict.fromkeys(self.template.functions, stub)
        if not self.test_controls:
            return chosen
        self.faults_dir = tempfile.mkdtemp(prefix="kb-faults-")
        return {
            **chosen,
            "FanOutWebhooksFunction": (partial(faults.install_fan_out, self.faults_dir),),
            "DeliverWebhookFunction": (partial(faults.install_sender, self.faults_dir),),
        }

    def _bootstrap_tenant(self, endpoint: str) -> tuple[str, str]:
        """The same bootstrap an operator runs against a fresh AWS deployment."""
        layer = str(self.template.layers["KbLayer"])
        if layer not in sys.path:
            sys.path.insert(0, layer)
        from kb.keys.repository import KeyRepository
        from kb.keys.service import bootstrap_tenant
        from kb.storage import Table

        assert self.deployment is not None
        table = Table(client("dynamodb", endpoint), self.deployment.physical("KbTable"))
        created = bootstrap_tenant(KeyRepository(table), "local", self.admin_key)
        assert created.secret is not None  # a fresh key always carries its secret
        return created.key.tenant_id, created.secret

    def invoke(self, logical_id: str, event: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Invoke one function through the Lambda API (and so through the seam)."""
        assert self.deployment is not None
        reply = client("lambda", self.deployment.endpoint).invoke(
            FunctionName=self.deployment.function_names[logical_id], Payload=json.dumps(event).encode()
        )
        return json.loads(reply["Payload"].read()), bool(reply.get("FunctionError"))

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
        if self.gateway:
            self.gateway.stop()
        for url in self.function_urls:
            url.stop()
        if self.runtime:
            self.runtime.stop()
        seam.uninstall()
        if self.moto:
            self.moto.stop()
        if self.faults_dir:
            shutil.rmtree(self.faults_dir, ignore_errors=True)


def _create_controls_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=CONTROLS_TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
