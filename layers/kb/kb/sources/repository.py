from kb.sources.models import Source
from kb.storage import Table


class SourceRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, source: Source) -> None:
        self.table.put(
            {"pk": f"TENANT#{source.tenant_id}", "sk": f"SOURCE#{source.id}", **source.to_json_dict()},
            condition="attribute_not_exists(pk)",
        )

    def get(self, tenant_id: str, source_id: str) -> Source | None:
        record = self.table.get(f"TENANT#{tenant_id}", f"SOURCE#{source_id}")
        return Source.model_validate(record) if record else None

    def list(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Source], str | None]:
        records, next_cursor = self.table.query_prefix(f"TENANT#{tenant_id}", "SOURCE#", limit, cursor)
        return [Source.model_validate(r) for r in records], next_cursor

    def publish_operation(self, source: Source, generation_id: str, base_id: str | None) -> dict:
        """The one conditional write that publishes: the pointer moves only from the run's base."""
        key = {"pk": {"S": f"TENANT#{source.tenant_id}"}, "sk": {"S": f"SOURCE#{source.id}"}}
        update: dict = {
            "TableName": self.table.name,
            "Key": key,
            "UpdateExpression": "SET currentGenerationId = :new",
            "ExpressionAttributeValues": {":new": {"S": generation_id}},
        }
        if base_id is None:
            update["ConditionExpression"] = "attribute_exists(pk) AND attribute_not_exists(currentGenerationId)"
        else:
            update["ConditionExpression"] = "currentGenerationId = :base"
            update["ExpressionAttributeValues"][":base"] = {"S": base_id}
        return {"Update": update}
