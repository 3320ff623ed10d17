"""FastAPI dependencies of training (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.http.deps import TableDep
from kb.training.repository import TrainingRepository


def training_repository(db: TableDep) -> TrainingRepository:
    return TrainingRepository(db)


TrainingDep = Annotated[TrainingRepository, Depends(training_repository)]
