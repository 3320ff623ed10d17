from botocore.exceptions import ClientError

from kb.errors import StaleBase
from kb.generations.models import Generation
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.storage import Table, serialize


class GenerationRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, source_id: str, generation_id: str) -> Generation | None:
        record = self.table.get(f"SOURCE#{source_id}", f"GEN#{generation_id}")
        return Generation.model_validate(record) if record else None

    def publish(self, sources: SourceRepository, source: Source, generation: Generation) -> None:
        """Record the generation and move the source's pointer in one transaction; the pointer's
        condition (it still points at the run's base) is what makes a stale apply lose."""
        record = {"pk": f"SOURCE#{source.id}", "sk": f"GEN#{generation.id}", **generation.to_json_dict()}
        operations = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": serialize(record),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            sources.publish_operation(source, generation.id, generation.base_generation_id),
        ]
        try:
            self.table.transact(operations)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise StaleBase(
                    "Another generation was published since this run was planned; start a new run."
                ) from error
            raise
