"""The dispatch behind the seam: moto's view of a function -> that function's worker pool."""

import json
import os
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from local import web_adapter
from local.template import FunctionSpec, Template
from local.workers import FunctionPool, WorkerSpec, error_payload


class LambdaRuntime:
    def __init__(
        self,
        template: Template,
        endpoint: str,
        region: str,
        setup: tuple[str, tuple[str, ...]] | None = None,
        adapters: dict[str, tuple[Callable[[ModuleType], None], ...]] | None = None,
    ) -> None:
        self.template = template
        self.setup = setup
        self.adapters = adapters or {}  # logical id -> local-only adapters of its handler module
        self.endpoint = endpoint
        self.region = region
        self.functions_by_name: dict[str, FunctionSpec] = {}
        self._pools: dict[str, FunctionPool] = {}
        self._lock = threading.Lock()

    def dispatch(self, function: Any, event: Any) -> tuple[str, bool, str]:
        spec = self.functions_by_name.get(function.function_name)
        if spec is None:
            return error_payload(LookupError(f"{function.function_name} is not a function of template.yaml")), True, ""
        if isinstance(event, str):
            event = json.loads(event) if event else {}
        payload, errored = self._pool(function, spec).invoke(event)
        return payload, errored, ""

    def stream(self, function: Any, event: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """A streamed invoke of a web-adapted function (the local function URL's path)."""
        spec = self.functions_by_name[function.function_name]
        return self._pool(function, spec).stream(event)

    def _pool(self, function: Any, spec: FunctionSpec) -> FunctionPool:
        with self._lock:
            pool = self._pools.get(function.function_name)
            if pool is None:
                pool = FunctionPool(self._worker_spec(function, spec))
                self._pools[function.function_name] = pool
            return pool

    def _worker_spec(self, function: Any, spec: FunctionSpec) -> WorkerSpec:
        """Lambda's own variables, then the template's; only the endpoint says we are local."""
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": str(getattr(function, "version", "$LATEST")),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout),
            "_HANDLER": spec.handler,
            # There is no X-Ray daemon on loopback.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **{k: str(v) for k, v in function.environment_vars.items()},
        }
        layer_dirs = tuple(str(self.template.layers[layer_id]) for layer_id in spec.layer_ids)
        return WorkerSpec(
            function_name=function.function_name,
            function_arn=function.function_arn,
            code_dir=str(spec.code_dir),
            layer_dirs=layer_dirs,
            handler=spec.handler,
            environment=environment,
            timeout_seconds=float(spec.timeout),
            memory_size=spec.memory_size,
            setup=self.setup,
            adapters=self.adapters.get(spec.logical_id, ()),
            web_app=web_adapter.WEB_APP if web_adapter.is_web_adapted(environment) else None,
        )

    def worker_count(self, function_name: str) -> int:
        pool = self._pools.get(function_name)
        return pool.size if pool else 0

    def stop(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.stop()
