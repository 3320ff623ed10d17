"""Idempotency-Key on mutating endpoints, with Powertools' idempotency utility (DynamoDB
persistence). The key is scoped to the tenant and the function; the payload it guards is the
method, path and body, so reusing a key for something else is idempotency_conflict.

A secret is shown once: a response model lists its one-time fields in `shown_once`; they are
blanked (null) in the stored copy, so the table never holds a secret and a replay answers the same
status and body with those fields null (and Idempotent-Replayed: true).

Powertools' idempotency utility is imported by the first request that carries a key (~6 ms of a
cold start otherwise); under SnapStart, before the snapshot."""

import importlib
import json
from collections.abc import Callable
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kb import snapstart
from kb.aws import AwsClients
from kb.errors import IdempotencyConflict, IdempotencyInProgress, ValidationFailed
from kb.http.deps import ClientsDep, SettingsDep
from kb.settings import Settings

RETENTION_SECONDS = 24 * 3600
REPLAY_HEADER = "Idempotent-Replayed"
Operation = Callable[[], tuple[int, BaseModel]]


class Idempotency:
    def __init__(self, request: Request, body: bytes, settings: Settings, clients: AwsClients) -> None:
        self.key = request.headers.get("idempotency-key")
        if self.key is not None and not 1 <= len(self.key) <= 255:
            raise ValidationFailed("Idempotency-Key: must be 1 to 255 characters")
        self.payload = {"method": request.method, "path": request.url.path, "body": _normalized(body)}
        self.context = request.scope.get("aws.context")
        self.settings = settings
        self.clients = clients

    def run(self, tenant_id: str, operation: Operation) -> JSONResponse:
        """Run `operation` once per (tenant, key); replay its status and body afterwards. Failed
        operations are not stored: retrying with the same key runs them again."""
        if self.key is None:
            status, model = operation()
            return JSONResponse(model.model_dump(mode="json", by_alias=True), status_code=status)
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        replayed = False
        fresh: dict[str, Any] | None = None

        def mark_replay(response: Any, _record: Any) -> Any:
            nonlocal replayed
            replayed = True
            return response

        config = IdempotencyConfig(
            event_key_jmespath="[tenant, key]",
            payload_validation_jmespath="payload",
            expires_after_seconds=RETENTION_SECONDS,
            hash_function="sha256",
            response_hook=cast(Any, mark_replay),
        )
        if self.context is not None:
            config.register_lambda_context(self.context)
        persistence = DynamoDBPersistenceLayer(
            table_name=self.settings.idempotency_table_name, boto3_client=self.clients.dynamodb
        )

        @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
        def execute(request: dict[str, Any]) -> dict[str, Any]:
            nonlocal fresh
            status, model = operation()
            body = model.model_dump(mode="json", by_alias=True)
            fresh = {"status": status, "body": body}
            return {"status": status, "body": _without_one_time_fields(model, body)}  # what is stored

        try:
            result = execute(request={"tenant": tenant_id, "key": self.key, "payload": self.payload})
        except IdempotencyValidationError as error:
            raise IdempotencyConflict("This Idempotency-Key was used with a different request.") from error
        except IdempotencyAlreadyInProgressError as error:
            raise IdempotencyInProgress("A request with this Idempotency-Key is still running.") from error
        if fresh is not None and not replayed:
            result = fresh  # this request ran the operation: it alone sees the secret
        response = JSONResponse(result["body"], status_code=result["status"])
        if replayed:
            response.headers[REPLAY_HEADER] = "true"
        return response


def _without_one_time_fields(model: BaseModel, body: dict[str, Any]) -> dict[str, Any]:
    shown_once: frozenset[str] = getattr(model, "shown_once", frozenset())
    aliases = {type(model).model_fields[name].alias or name for name in shown_once}
    return {name: None if name in aliases else value for name, value in body.items()}


def _normalized(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode(errors="replace")


async def idempotency(request: Request, settings: SettingsDep, clients: ClientsDep) -> Idempotency:
    return Idempotency(request, await request.body(), settings, clients)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]


def _import_utility() -> None:
    importlib.import_module("aws_lambda_powertools.utilities.idempotency")


snapstart.install("idempotency", _import_utility)
