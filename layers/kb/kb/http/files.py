"""FastAPI dependencies of the file endpoints (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.files.repository import FileRepository
from kb.files.uploads import UploadStore
from kb.http.deps import ClientsDep, SettingsDep, TableDep


def file_repository(db: TableDep) -> FileRepository:
    return FileRepository(db)


def upload_store(settings: SettingsDep, clients: ClientsDep) -> UploadStore:
    return UploadStore(clients.s3, settings.uploads_bucket_name)


FilesDep = Annotated[FileRepository, Depends(file_repository)]
UploadsDep = Annotated[UploadStore, Depends(upload_store)]
