"""FastAPI dependency of the evaluation endpoints (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.evaluation.repository import EvaluationRepository
from kb.http.deps import TableDep


def evaluation_repository(db: TableDep) -> EvaluationRepository:
    return EvaluationRepository(db)


EvaluationDep = Annotated[EvaluationRepository, Depends(evaluation_repository)]
