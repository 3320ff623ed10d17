"""Storage of evaluation sets, reports, and the conditional writes that hold, publish or discard
a candidate generation. Under the source's partition: `EVALQ#<queryId>` per query, `EVALSET` (the
set's query count, which bounds it under concurrent writes), `EVALREPORT#<generationId>`."""

from typing import Any

from botocore.exceptions import ClientError

from kb.cursors import Listing
from kb.evaluation.models import EvaluationQuery, EvaluationReport
from kb.generations.models import Generation, ManifestSummary
from kb.generations.repository import generation_key
from kb.ids import iso_now
from kb.runs.models import Progress
from kb.sources.models import Source
from kb.sources.repository import source_key
from kb.storage import Table


class ConditionFailed(Exception):
    pass


def _query_key(source_id: str, query_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": f"EVALQ#{query_id}"}


def _set_key(source_id: str) -> dict[str, str]:
    return {"pk": f"SOURCE#{source_id}", "sk": "EVALSET"}


class EvaluationRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    # --- the evaluation set -------------------------------------------------------------------

    def get_query(self, source_id: str, query_id: str) -> EvaluationQuery | None:
        record = self.table.get(f"SOURCE#{source_id}", f"EVALQ#{query_id}")
        return EvaluationQuery.model_validate(record) if record else None

    def all_queries(self, source_id: str) -> list[EvaluationQuery]:
        return [EvaluationQuery.model_validate(r) for r in self.table.query_all(f"SOURCE#{source_id}", "EVALQ#")]

    def page(
        self, tenant_id: str, source_id: str, limit: int, cursor: str | None
    ) -> tuple[list[EvaluationQuery], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"SOURCE#{source_id}", "EVALQ#", limit, cursor, listing=Listing(tenant_id, f"evaluation:{source_id}")
        )
        return [EvaluationQuery.model_validate(r) for r in records], next_cursor

    def create_query(self, query: EvaluationQuery, max_queries: int) -> None:
        """Add a query and count it in one transaction, while the set holds fewer than
        `max_queries`; ConditionFailed if the id exists or the set is full."""
        self._transact(
            [
                {
                    "Put": {
                        "Item": {**_query_key(query.source_id, query.id), **query.to_json_dict()},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "Key": _set_key(query.source_id),
                        "UpdateExpression": "ADD queryCount :one",
                        "ConditionExpression": "attribute_not_exists(queryCount) OR queryCount < :max",
                        "ExpressionAttributeValues": {":one": 1, ":max": max_queries},
                    }
                },
            ]
        )

    def replace_query(self, query: EvaluationQuery) -> None:
        """Overwrite a query that exists (ConditionFailed if it was deleted meanwhile)."""
        try:
            self.table.put(
                {**_query_key(query.source_id, query.id), **query.to_json_dict()}, condition="attribute_exists(pk)"
            )
        except ClientError as error:
            self._raise_condition(error)

    def delete_query(self, source_id: str, query_id: str) -> None:
        """Remove a query and uncount it; ConditionFailed if it was not there."""
        self._transact(
            [
                {"Delete": {"Key": _query_key(source_id, query_id), "ConditionExpression": "attribute_exists(pk)"}},
                {
                    "Update": {
                        "Key": _set_key(source_id),
                        "UpdateExpression": "ADD queryCount :minus",
                        "ExpressionAttributeValues": {":minus": -1},
                    }
                },
            ]
        )

    def query_count(self, source_id: str) -> int:
        record = self.table.get(f"SOURCE#{source_id}", "EVALSET")
        return int(record.get("queryCount", 0)) if record else 0

    # --- reports ------------------------------------------------------------------------------

    def put_report(self, report: EvaluationReport) -> None:
        key = {"pk": f"SOURCE#{report.source_id}", "sk": f"EVALREPORT#{report.generation_id}"}
        self.table.put({**key, **report.to_json_dict()})

    def get_report(self, source_id: str, generation_id: str) -> EvaluationReport | None:
        record = self.table.get(f"SOURCE#{source_id}", f"EVALREPORT#{generation_id}")
        return EvaluationReport.model_validate(record) if record else None

    def delete_report(self, source_id: str, generation_id: str) -> None:
        self.table.delete(f"SOURCE#{source_id}", f"EVALREPORT#{generation_id}")

    # --- held generations ---------------------------------------------------------------------

    def hold(self, source: Source, generation: Generation, manifest: ManifestSummary) -> None:
        """Complete the candidate as `held`, mark its run applied and free the source's lease, in
        one transaction conditioned on the lease still being this apply's (ConditionFailed if not)."""
        progress = generation.progress or Progress()
        done = progress.model_copy(update={"items_done": progress.items_total, "chunks_done": progress.chunks_total})
        self._transact(
            [
                {
                    "Update": {
                        "Key": generation_key(source.id, generation.id),
                        "UpdateExpression": (
                            "SET #status = :held, manifest = :manifest, progress = :progress, completedAt = :now"
                        ),
                        "ConditionExpression": "#status IN (:queued, :running)",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":held": "held",
                            ":queued": "queued",
                            ":running": "running",
                            ":manifest": manifest.to_json_dict(),
                            ":progress": done.to_json_dict(),
                            ":now": iso_now(),
                        },
                    }
                },
                {
                    "Update": {
                        "Key": source_key(source.tenant_id, source.id),
                        "UpdateExpression": "REMOVE applyLease",
                        "ConditionExpression": "applyLease.#owner = :owner",
                        "ExpressionAttributeNames": {"#owner": "owner"},
                        "ExpressionAttributeValues": {":owner": generation.id},
                    }
                },
                {
                    "Update": {
                        "Key": {"pk": f"SOURCE#{source.id}", "sk": f"RUN#{generation.run_id}"},
                        "UpdateExpression": "SET appliedGenerationId = :generation",
                        "ConditionExpression": "attribute_not_exists(appliedGenerationId)",
                        "ExpressionAttributeValues": {":generation": generation.id},
                    }
                },
            ]
        )

    def publish_held(self, source: Source, generation: Generation, evaluated_against: str, now: str) -> None:
        """held -> succeeded and the source's pointer to it, in one transaction: only while the
        source still serves `evaluated_against`, is active and no apply holds a live lease."""
        self._transact(
            [
                {
                    "Update": {
                        "Key": generation_key(source.id, generation.id),
                        "UpdateExpression": "SET #status = :succeeded, completedAt = :now",
                        "ConditionExpression": "#status = :held",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":succeeded": "succeeded", ":held": "held", ":now": now},
                    }
                },
                {
                    "Update": {
                        "Key": source_key(source.tenant_id, source.id),
                        "UpdateExpression": "SET currentGenerationId = :generation",
                        "ConditionExpression": (
                            "#status = :active AND currentGenerationId = :baseline "
                            "AND (attribute_not_exists(applyLease) OR applyLease.expiresAt < :now)"
                        ),
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":generation": generation.id,
                            ":baseline": evaluated_against,
                            ":active": "active",
                            ":now": now,
                        },
                    }
                },
            ]
        )

    def discard(self, source: Source, generation: Generation, now: str) -> None:
        """held -> discarded (ConditionFailed if it is not held any more)."""
        key = generation_key(source.id, generation.id)
        try:
            self.table.update(
                key["pk"],
                key["sk"],
                "SET #status = :discarded, completedAt = :now",
                condition="#status = :held",
                names={"#status": "status"},
                values={":discarded": "discarded", ":held": "held", ":now": now},
            )
        except ClientError as error:
            self._raise_condition(error)

    def _transact(self, operations: list[dict[str, Any]]) -> None:
        try:
            self.table.transact_items(operations)
        except ClientError as error:
            self._raise_condition(error)

    def _raise_condition(self, error: ClientError) -> None:
        if not self.table.is_condition_failure(error):
            raise error
        raise ConditionFailed() from error
