"""FastAPI dependencies of the staging set, runs, generations and snapshots (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.generations.repository import GenerationRepository
from kb.http.deps import BlobsDep, TableDep
from kb.items.repository import ItemRepository
from kb.runs.repository import RunRepository
from kb.snapshots.repository import SnapshotRepository


def item_repository(db: TableDep, blobs: BlobsDep) -> ItemRepository:
    return ItemRepository(db, blobs)


def run_repository(db: TableDep) -> RunRepository:
    return RunRepository(db)


def generation_repository(db: TableDep) -> GenerationRepository:
    return GenerationRepository(db)


def snapshot_repository(db: TableDep, blobs: BlobsDep) -> SnapshotRepository:
    return SnapshotRepository(db, blobs)


ItemsDep = Annotated[ItemRepository, Depends(item_repository)]
RunsDep = Annotated[RunRepository, Depends(run_repository)]
GenerationsDep = Annotated[GenerationRepository, Depends(generation_repository)]
SnapshotsDep = Annotated[SnapshotRepository, Depends(snapshot_repository)]
