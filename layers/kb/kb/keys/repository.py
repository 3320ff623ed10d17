"""Keys live under KEY#<keyId> (looked up by the id inside the key), tenants under TENANT#<t>.
Every read-modify-write of a key is conditioned on the version it read, and the tenant's count of
keys that are not revoked moves in the same transaction as the key."""

import random
import time
from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.keys.models import StoredApiKey, Tenant
from kb.storage import Table


class KeyChanged(Exception):
    """The key changed between our read and our write."""


class KeyLimitReached(Exception):
    """The tenant already has as many keys as its plan allows."""


def _tenant_key(tenant_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}", "sk": "TENANT"}


def _versioned(key: StoredApiKey, version: int) -> dict[str, Any]:
    return {
        "pk": f"KEY#{key.id}",
        "sk": "KEY",
        "gsi1pk": f"TENANT#{key.tenant_id}",
        "gsi1sk": f"KEY#{key.id}",
        **key.model_copy(update={"version": version}).to_json_dict(),
    }


def _version_condition(expected_version: int) -> dict[str, Any]:
    """Records written before versions existed have none: they are version 0."""
    if expected_version == 0:
        return {"ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(#version)"}
    return {
        "ConditionExpression": "#version = :expected",
        "ExpressionAttributeValues": {":expected": expected_version},
    }


# DynamoDB cancels a transaction that meets another one on the same item (the tenant's counter,
# when keys are created at once): such a transaction did nothing and is tried again.
_CONFLICT_ATTEMPTS = 8
_CONFLICT_BACKOFF_SECONDS = 0.02


def _cancellation_codes(error: ClientError) -> list[str]:
    return [reason.get("Code", "") for reason in error.response.get("CancellationReasons", [])]


def _is_conflict(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code == "TransactionConflictException" or "TransactionConflict" in _cancellation_codes(error)


class KeyRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, key: StoredApiKey, max_keys: int) -> StoredApiKey:
        """Count the key against the tenant's plan and write it, in one transaction."""
        operations = [
            {
                "Update": {
                    "Key": _tenant_key(key.tenant_id),
                    "UpdateExpression": "SET keyCount = if_not_exists(keyCount, :zero) + :one",
                    "ConditionExpression": "attribute_not_exists(keyCount) OR keyCount < :max",
                    "ExpressionAttributeValues": {":zero": 0, ":one": 1, ":max": max_keys},
                }
            },
            {"Put": {"Item": _versioned(key, 1), "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
        attempt = 0
        while True:
            attempt += 1
            try:
                self.table.transact_items(operations)
                return key.model_copy(update={"version": 1})
            except ClientError as error:
                codes = _cancellation_codes(error)
                if codes and codes[0] == "ConditionalCheckFailed":
                    raise KeyLimitReached() from error
                if not _is_conflict(error) or attempt == _CONFLICT_ATTEMPTS:
                    raise
            time.sleep(_CONFLICT_BACKOFF_SECONDS * attempt * random.uniform(0.5, 1.5))  # noqa: S311 - jitter

    def get(self, key_id: str) -> StoredApiKey | None:
        record = self.table.get(f"KEY#{key_id}", "KEY")
        return StoredApiKey.model_validate(record) if record else None

    def page(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[StoredApiKey], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"TENANT#{tenant_id}", "KEY#", limit, cursor, index="gsi1", listing=Listing(tenant_id, "keys")
        )
        return [StoredApiKey.model_validate(r) for r in records], next_cursor

    def replace(self, key: StoredApiKey) -> StoredApiKey:
        """Write the key back only if it is still the version we read (`key.version`)."""
        self._transact([self._put_if_unchanged(key)])
        return key.model_copy(update={"version": key.version + 1})

    def revoke(self, revoked: StoredApiKey) -> StoredApiKey:
        """Write the revoked key (if unchanged since read) and release its place in the plan."""
        release = {
            "Update": {
                "Key": _tenant_key(revoked.tenant_id),
                "UpdateExpression": "SET keyCount = if_not_exists(keyCount, :zero) - :one",
                "ExpressionAttributeValues": {":zero": 0, ":one": 1},
            }
        }
        self._transact([self._put_if_unchanged(revoked), release])
        return revoked.model_copy(update={"version": revoked.version + 1})

    def _put_if_unchanged(self, key: StoredApiKey) -> dict[str, Any]:
        condition = _version_condition(key.version)
        return {
            "Put": {
                "Item": _versioned(key, key.version + 1),
                "ExpressionAttributeNames": {"#version": "version"},
                **condition,
            }
        }

    def _transact(self, operations: list[dict[str, Any]]) -> None:
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            # Either way nothing was written: the caller reads again and decides again.
            if "ConditionalCheckFailed" in _cancellation_codes(error) or _is_conflict(error):
                raise KeyChanged() from error
            raise

    def create_tenant(self, tenant: Tenant) -> None:
        self.table.put({**_tenant_key(tenant.id), **tenant.to_json_dict()}, condition="attribute_not_exists(pk)")

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        record = self.table.get(f"TENANT#{tenant_id}", "TENANT")
        return Tenant.model_validate({"id": tenant_id, **record}) if record else None
