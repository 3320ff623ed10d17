from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.keys.models import StoredApiKey
from kb.storage import Table


class KeyChanged(Exception):
    """The key changed between our read and our write."""


class KeyRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, key: StoredApiKey) -> None:
        self.table.put(
            {
                "pk": f"KEY#{key.id}",
                "sk": "KEY",
                "gsi1pk": f"TENANT#{key.tenant_id}",
                "gsi1sk": f"KEY#{key.id}",
                **key.to_json_dict(),
            },
            condition="attribute_not_exists(pk)",
        )

    def get(self, key_id: str) -> StoredApiKey | None:
        record = self.table.get(f"KEY#{key_id}", "KEY")
        return StoredApiKey.model_validate(record) if record else None

    def page(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[StoredApiKey], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"TENANT#{tenant_id}", "KEY#", limit, cursor, index="gsi1", listing=Listing(tenant_id, "keys")
        )
        return [StoredApiKey.model_validate(r) for r in records], next_cursor

    def replace(self, key: StoredApiKey, expected_secret_hash: str) -> None:
        """Write the key back only if its secret is still the one we read (no lost rotation)."""
        record = {
            "pk": f"KEY#{key.id}",
            "sk": "KEY",
            "gsi1pk": f"TENANT#{key.tenant_id}",
            "gsi1sk": f"KEY#{key.id}",
            **key.to_json_dict(),
        }
        try:
            self.table.put(record, condition="secretHash = :expected", values={":expected": expected_secret_hash})
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise KeyChanged() from error
            raise

    def create_tenant(self, tenant_id: str, name: str, created_at: str) -> None:
        self.table.put(
            {"pk": f"TENANT#{tenant_id}", "sk": "TENANT", "name": name, "createdAt": created_at},
            condition="attribute_not_exists(pk)",
        )
