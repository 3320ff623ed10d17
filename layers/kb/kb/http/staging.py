"""FastAPI dependencies of the staging set: items and snapshots (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.http.deps import BlobsDep, TableDep
from kb.items.repository import ItemRepository
from kb.snapshots.repository import SnapshotRepository


def item_repository(db: TableDep, blobs: BlobsDep) -> ItemRepository:
    return ItemRepository(db, blobs)


def snapshot_repository(db: TableDep, blobs: BlobsDep) -> SnapshotRepository:
    return SnapshotRepository(db, blobs)


ItemsDep = Annotated[ItemRepository, Depends(item_repository)]
SnapshotsDep = Annotated[SnapshotRepository, Depends(snapshot_repository)]
