import contextlib
from typing import Any, Protocol

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.sources.models import Source
from kb.storage import Table


class SourceConditionFailed(Exception):
    """The source was not in the state the write required."""


class StagingListener(Protocol):
    """Told once a staging write (or a settings change) may have left unpublished changes."""

    def staged(self, source: Source) -> None: ...


def source_key(tenant_id: str, source_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}", "sk": f"SOURCE#{source_id}"}


class SourceRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, source: Source) -> None:
        self.table.put(
            {**source_key(source.tenant_id, source.id), **source.to_json_dict(), "stagingEpoch": source.staging_epoch},
            condition="attribute_not_exists(pk)",
        )

    def get(self, tenant_id: str, source_id: str) -> Source | None:
        key = source_key(tenant_id, source_id)
        record = self.table.get(key["pk"], key["sk"])
        return Source.model_validate(record) if record else None

    def all(self, tenant_id: str) -> list[Source]:
        return [Source.model_validate(r) for r in self.table.query_all(f"TENANT#{tenant_id}", "SOURCE#")]

    def page(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Source], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"TENANT#{tenant_id}", "SOURCE#", limit, cursor, listing=Listing(tenant_id, "sources")
        )
        return [Source.model_validate(r) for r in records], next_cursor

    def _update(self, source: Source, update: str, condition: str, **expr: Any) -> Source:
        key = source_key(source.tenant_id, source.id)
        try:
            record = self.table.update_returning(key["pk"], key["sk"], update, condition=condition, **expr)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise SourceConditionFailed() from error
            raise
        return Source.model_validate(record)

    def update_active(self, source: Source, fields: dict[str, Any], now: str) -> Source:
        # A patch whose only fields repeat the build settings already in place sets nothing else.
        sets = "".join(f"#{name} = :{name}, " for name in fields)
        return self._update(
            source,
            f"SET {sets}updatedAt = :now",
            "#status = :active",
            names={"#status": "status", **{f"#{n}": n for n in fields}},
            values={":active": "active", ":now": now, **{f":{n}": v for n, v in fields.items()}},
        )

    def update_settings(self, source: Source, fields: dict[str, Any], settings: dict[str, Any], now: str) -> Source:
        """update_active that also changes build settings: settingsVersion goes up atomically with them."""
        every = {**fields, **settings}
        sets = ", ".join(f"#{name} = :{name}" for name in every)
        return self._update(
            source,
            f"SET {sets}, updatedAt = :now, settingsVersion = if_not_exists(settingsVersion, :one) + :one",
            "#status = :active",
            names={"#status": "status", **{f"#{n}": n for n in every}},
            values={":active": "active", ":now": now, ":one": 1, **{f":{n}": v for n, v in every.items()}},
        )

    def archive(self, source: Source, now: str) -> Source:
        return self._update(
            source,
            "SET #status = :archived, archivedAt = :now, updatedAt = :now",
            "attribute_exists(pk)",
            names={"#status": "status"},
            values={":archived": "archived", ":now": now},
        )

    def close_epoch(self, source: Source) -> Source:
        """Start a new staging epoch; writes tagged with an older one can no longer commit."""
        return self._update(source, "ADD stagingEpoch :one", "attribute_exists(pk)", values={":one": 1})

    def open_snapshot(self, source: Source, snapshot_id: str) -> Source:
        return self._update(
            source,
            "SET openSnapshotId = :snapshot",
            "#status = :active AND attribute_not_exists(openSnapshotId)",
            names={"#status": "status"},
            values={":active": "active", ":snapshot": snapshot_id},
        )

    def close_snapshot(self, source: Source, snapshot_id: str) -> Source:
        return self._update(
            source, "REMOVE openSnapshotId", "openSnapshotId = :snapshot", values={":snapshot": snapshot_id}
        )

    def acquire_lease(self, source: Source, owner: str, expires_at: str, now: str) -> Source:
        return self._update(
            source,
            "SET applyLease = :lease",
            "#status = :active AND (attribute_not_exists(applyLease) OR applyLease.expiresAt < :now)",
            names={"#status": "status"},
            values={":active": "active", ":lease": {"owner": owner, "expiresAt": expires_at}, ":now": now},
        )

    def lease_operation(self, source: Source, owner: str, expires_at: str, now: str) -> dict:
        """acquire_lease as one operation of a transaction."""
        return {
            "Update": {
                "Key": source_key(source.tenant_id, source.id),
                "UpdateExpression": "SET applyLease = :lease",
                "ConditionExpression": (
                    "#status = :active AND (attribute_not_exists(applyLease) OR applyLease.expiresAt < :now)"
                ),
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":active": "active",
                    ":lease": {"owner": owner, "expiresAt": expires_at},
                    ":now": now,
                },
            }
        }

    def unchanged_operation(self, source: Source, generation_id: str) -> dict:
        """A transaction's check that the source still serves the given generation."""
        return {
            "ConditionCheck": {
                "Key": source_key(source.tenant_id, source.id),
                "ConditionExpression": "currentGenerationId = :current",
                "ExpressionAttributeValues": {":current": generation_id},
            }
        }

    def release_lease(self, source: Source, owner: str) -> None:
        with contextlib.suppress(SourceConditionFailed):  # not ours any more: nothing to release
            self._update(
                source,
                "REMOVE applyLease",
                "applyLease.#owner = :owner",
                names={"#owner": "owner"},
                values={":owner": owner},
            )

    def publish_operation(self, source: Source, generation_id: str, base_id: str | None, lease_owner: str) -> dict:
        """The one conditional write that publishes: the pointer moves only from the run's base,
        and only while this apply still holds the source's lease."""
        base_condition = (
            "attribute_not_exists(currentGenerationId)" if base_id is None else "currentGenerationId = :base"
        )
        values: dict[str, Any] = {":new": generation_id, ":owner": lease_owner}
        if base_id is not None:
            values[":base"] = base_id
        return {
            "Update": {
                "Key": source_key(source.tenant_id, source.id),
                "UpdateExpression": "SET currentGenerationId = :new REMOVE applyLease",
                "ConditionExpression": f"{base_condition} AND applyLease.#owner = :owner",
                "ExpressionAttributeNames": {"#owner": "owner"},
                "ExpressionAttributeValues": values,
            }
        }

    def rollback(self, source: Source, generation_id: str, now: str) -> Source:
        """Republish a retained generation; refused while an apply holds a live lease."""
        current_condition = (
            "attribute_not_exists(currentGenerationId)"
            if source.current_generation_id is None
            else "currentGenerationId = :current"
        )
        values: dict[str, Any] = {":target": generation_id, ":active": "active", ":now": now}
        if source.current_generation_id is not None:
            values[":current"] = source.current_generation_id
        return self._update(
            source,
            "SET currentGenerationId = :target",
            f"#status = :active AND {current_condition} AND (attribute_not_exists(applyLease) OR applyLease.expiresAt < :now)",
            names={"#status": "status"},
            values=values,
        )
