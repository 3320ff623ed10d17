"""A source's evaluation set: create, replace, read, list and delete its queries."""

from kb.errors import NotFound
from kb.evaluation.errors import EvaluationSetFull
from kb.evaluation.models import (
    MAX_QUERIES,
    EvaluationQuery,
    EvaluationQueryPage,
    EvaluationQueryRequest,
)
from kb.evaluation.repository import ConditionFailed, EvaluationRepository
from kb.ids import iso_now
from kb.sources.models import Source
from kb.sources.service import require_active

_ATTEMPTS = 5  # a create racing a delete of the same id flips between the two paths at most briefly


def put_query(
    repo: EvaluationRepository, source: Source, query_id: str, request: EvaluationQueryRequest
) -> tuple[bool, EvaluationQuery]:
    """Create the query (True) or replace it (False, keeping its createdAt)."""
    require_active(source)
    for _ in range(_ATTEMPTS):
        existing = repo.get_query(source.id, query_id)
        now = iso_now()
        query = EvaluationQuery(
            id=query_id,
            source_id=source.id,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            **request.model_dump(),
        )
        try:
            if existing is not None:
                repo.replace_query(query)
                return False, query
            repo.create_query(query, MAX_QUERIES)
            return True, query
        except ConditionFailed:
            if existing is None and repo.get_query(source.id, query_id) is None:
                raise EvaluationSetFull(
                    f"Source {source.id}'s evaluation set holds its limit of {MAX_QUERIES} queries; delete one first."
                ) from None
    raise EvaluationSetFull(f"Query {query_id} kept changing meanwhile; retry.")


def get_query(repo: EvaluationRepository, source: Source, query_id: str) -> EvaluationQuery:
    query = repo.get_query(source.id, query_id)
    if query is None:
        raise NotFound(f"Evaluation query {query_id} was not found.")
    return query


def delete_query(repo: EvaluationRepository, source: Source, query_id: str) -> EvaluationQuery:
    """Remove the query; what it was is the answer (a delete racing this one finds it gone: 404)."""
    query = get_query(repo, source, query_id)
    try:
        repo.delete_query(source.id, query_id)
    except ConditionFailed:
        raise NotFound(f"Evaluation query {query_id} was not found.") from None
    return query


def list_queries(repo: EvaluationRepository, source: Source, limit: int, cursor: str | None) -> EvaluationQueryPage:
    queries, next_cursor = repo.page(source.tenant_id, source.id, limit, cursor)
    return EvaluationQueryPage(queries=queries, next_cursor=next_cursor)
