"""FastAPI dependencies: settings, clients, repositories and the authenticated principal.
Tests swap any of them with app.dependency_overrides."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.aws import AwsClients, get_clients
from kb.blobs import BlobStore
from kb.generations.repository import GenerationRepository
from kb.items.repository import ItemRepository
from kb.keys.models import Principal, Scope
from kb.keys.repository import KeyRepository
from kb.keys.service import authenticate
from kb.runs.repository import RunRepository
from kb.settings import Settings, get_settings
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source
from kb.storage import Table

SettingsDep = Annotated[Settings, Depends(get_settings)]
ClientsDep = Annotated[AwsClients, Depends(get_clients)]


def table(settings: SettingsDep, clients: ClientsDep) -> Table:
    return Table(clients.dynamodb, settings.table_name)


TableDep = Annotated[Table, Depends(table)]


def blob_store(settings: SettingsDep, clients: ClientsDep) -> BlobStore:
    return BlobStore(clients.s3, settings.bucket_name)


def key_repository(db: TableDep) -> KeyRepository:
    return KeyRepository(db)


def source_repository(db: TableDep) -> SourceRepository:
    return SourceRepository(db)


def item_repository(db: TableDep) -> ItemRepository:
    return ItemRepository(db)


def run_repository(db: TableDep) -> RunRepository:
    return RunRepository(db)


def generation_repository(db: TableDep) -> GenerationRepository:
    return GenerationRepository(db)


SourcesDep = Annotated[SourceRepository, Depends(source_repository)]


# auto_error=False: a missing or malformed header is our `unauthorized`, in our error shape.
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey", description="sk_live_<keyId>_<secret>")


def require_scope(scope: Scope) -> Callable[..., Principal]:
    def dependency(
        keys: Annotated[KeyRepository, Depends(key_repository)],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return authenticate(keys, credentials.credentials if credentials else None, scope)

    return dependency


def source_for(scope: Scope) -> Callable[..., Source]:
    """The path's source, authorized: it must belong to the caller's tenant."""

    def dependency(
        source_id: Annotated[str, Path(alias="sourceId")],
        principal: Annotated[Principal, Depends(require_scope(scope))],
        sources: SourcesDep,
    ) -> Source:
        return get_source(sources, principal.tenant_id, source_id)

    return dependency
