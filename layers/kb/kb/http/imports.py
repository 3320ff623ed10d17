"""FastAPI dependencies of bulk imports (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.http.deps import TableDep
from kb.imports.repository import ImportRepository


def import_repository(db: TableDep) -> ImportRepository:
    return ImportRepository(db)


ImportsDep = Annotated[ImportRepository, Depends(import_repository)]
