"""FastAPI dependencies of runs and generations, what a run plans and an apply publishes (see
kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.generations.repository import GenerationRepository
from kb.http.deps import TableDep
from kb.runs.repository import RunRepository


def run_repository(db: TableDep) -> RunRepository:
    return RunRepository(db)


def generation_repository(db: TableDep) -> GenerationRepository:
    return GenerationRepository(db)


RunsDep = Annotated[RunRepository, Depends(run_repository)]
GenerationsDep = Annotated[GenerationRepository, Depends(generation_repository)]
