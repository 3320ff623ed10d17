from kb.keys.models import StoredApiKey
from kb.storage import Table


class KeyRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, key: StoredApiKey) -> None:
        self.table.put(
            {"pk": f"KEY#{key.id}", "sk": "KEY", **key.to_json_dict()},
            condition="attribute_not_exists(pk)",
        )

    def get(self, key_id: str) -> StoredApiKey | None:
        record = self.table.get(f"KEY#{key_id}", "KEY")
        return StoredApiKey.model_validate(record) if record else None

    def create_tenant(self, tenant_id: str, name: str, created_at: str) -> None:
        self.table.put(
            {"pk": f"TENANT#{tenant_id}", "sk": "TENANT", "name": name, "createdAt": created_at},
            condition="attribute_not_exists(pk)",
        )
