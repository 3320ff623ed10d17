from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.errors import LeaseLost, StaleBase
from kb.generations.models import Generation
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.storage import Table


class GenerationRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, source_id: str, generation_id: str) -> Generation | None:
        record = self.table.get(f"SOURCE#{source_id}", f"GEN#{generation_id}")
        return Generation.model_validate(record) if record else None

    def all_newest_first(self, source_id: str) -> list[Generation]:
        records = self.table.query_all(f"SOURCE#{source_id}", "GEN#")
        return [Generation.model_validate(r) for r in reversed(records)]

    def page(
        self, tenant_id: str, source_id: str, limit: int | None, cursor: str | None
    ) -> tuple[list[Generation], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}",
            "GEN#",
            limit,
            cursor,
            newest_first=True,
            listing=Listing(tenant_id, f"generations:{source_id}"),
        )
        return [Generation.model_validate(r) for r in records], next_cursor

    def delete(self, generation: Generation) -> None:
        self.table.delete(f"SOURCE#{generation.source_id}", f"GEN#{generation.id}")

    def publish(self, sources: SourceRepository, source: Source, generation: Generation) -> None:
        """Record the generation and move the source's pointer in one transaction. Its condition
        (the pointer still at the run's base, the lease still ours) is what makes a stale or
        overtaken apply lose."""
        record = {"pk": f"SOURCE#{source.id}", "sk": f"GEN#{generation.id}", **generation.to_json_dict()}
        operations = [
            {"Put": {"Item": record, "ConditionExpression": "attribute_not_exists(pk)"}},
            sources.publish_operation(source, generation.id, generation.base_generation_id, lease_owner=generation.id),
            {
                "Update": {
                    "Key": {"pk": f"SOURCE#{source.id}", "sk": f"RUN#{generation.run_id}"},
                    "UpdateExpression": "SET appliedGenerationId = :generation",
                    "ConditionExpression": "attribute_not_exists(appliedGenerationId)",
                    "ExpressionAttributeValues": {":generation": generation.id},
                }
            },
        ]
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            if not self.table.is_condition_failure(error):
                raise
            fresh = sources.get(source.tenant_id, source.id)
            if fresh is None or fresh.apply_lease is None or fresh.apply_lease.owner != generation.id:
                raise LeaseLost(
                    "This apply's lease expired and another apply took the source; start a new run."
                ) from error
            raise StaleBase("Another generation was published since this run was planned; start a new run.") from error
