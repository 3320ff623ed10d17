"""FastAPI dependencies: settings, clients, repositories, request guards and the authenticated
principal. Tests swap any of them with app.dependency_overrides."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.aws import AwsClients, get_clients
from kb.blobs import BlobStore
from kb.cursors import CursorCodec
from kb.errors import PayloadTooLarge, UnsupportedMediaType
from kb.generations.repository import GenerationRepository
from kb.items.repository import ItemRepository
from kb.keys.models import Principal, Scope
from kb.keys.repository import KeyRepository
from kb.keys.service import authenticate, authorize
from kb.ratelimit import RateLimitedWindow, RateLimiter
from kb.runs.repository import RunRepository
from kb.settings import Settings, get_settings
from kb.snapshots.repository import SnapshotRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source
from kb.storage import Table
from kb.testhooks import TestHooks, load_hooks
from kb.webhooks.events import EventPublisher
from kb.webhooks.repository import WebhookRepository
from kb.webhooks.secrets import SecretStore

SettingsDep = Annotated[Settings, Depends(get_settings)]
# Every listing's cursor parameter: the contract says that only a cursor the listing gave out is valid.
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=2048,
        description="The nextCursor of the previous page of this same listing; any other value is 400 invalid_cursor.",
    ),
]
ClientsDep = Annotated[AwsClients, Depends(get_clients)]

# Lambda's synchronous payload tops out at 6 MB; larger imports go through presigned uploads.
MAX_ITEM_BYTES = 1024 * 1024
MAX_BATCH_BYTES = 5 * 1024 * 1024


def cursor_codec(settings: SettingsDep) -> CursorCodec:
    return CursorCodec(settings.cursor_signing_key)


CursorsDep = Annotated[CursorCodec, Depends(cursor_codec)]


def table(settings: SettingsDep, clients: ClientsDep, cursors: CursorsDep) -> Table:
    return Table(clients.dynamodb, settings.table_name, cursors)


TableDep = Annotated[Table, Depends(table)]


def blob_store(settings: SettingsDep, clients: ClientsDep) -> BlobStore:
    return BlobStore(clients.s3, settings.bucket_name)


def key_repository(db: TableDep) -> KeyRepository:
    return KeyRepository(db)


def source_repository(db: TableDep) -> SourceRepository:
    return SourceRepository(db)


def item_repository(db: TableDep, blobs: Annotated[BlobStore, Depends(blob_store)]) -> ItemRepository:
    return ItemRepository(db, blobs)


def run_repository(db: TableDep) -> RunRepository:
    return RunRepository(db)


def generation_repository(db: TableDep) -> GenerationRepository:
    return GenerationRepository(db)


def snapshot_repository(db: TableDep) -> SnapshotRepository:
    return SnapshotRepository(db)


def rate_limiter(db: TableDep) -> RateLimiter:
    return RateLimiter(db)


def webhook_repository(db: TableDep) -> WebhookRepository:
    return WebhookRepository(db)


def secret_store(settings: SettingsDep, clients: ClientsDep) -> SecretStore:
    return SecretStore(clients.ssm, settings.webhook_secret_prefix)


def event_publisher(settings: SettingsDep, clients: ClientsDep) -> EventPublisher:
    return EventPublisher(clients.sqs, settings.events_queue_url)


WebhooksDep = Annotated[WebhookRepository, Depends(webhook_repository)]
SecretsDep = Annotated[SecretStore, Depends(secret_store)]
EventsDep = Annotated[EventPublisher, Depends(event_publisher)]
SourcesDep = Annotated[SourceRepository, Depends(source_repository)]
ItemsDep = Annotated[ItemRepository, Depends(item_repository)]
RunsDep = Annotated[RunRepository, Depends(run_repository)]
GenerationsDep = Annotated[GenerationRepository, Depends(generation_repository)]
SnapshotsDep = Annotated[SnapshotRepository, Depends(snapshot_repository)]
BlobsDep = Annotated[BlobStore, Depends(blob_store)]

# auto_error=False: a missing or malformed header is our `unauthorized`, in our error shape.
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey", description="sk_live_<keyId>_<secret>")


def require_scope(scope: Scope) -> Callable[..., Principal]:
    """Authenticate, count the request against the key's rate limit, then check the scope."""

    def dependency(
        request: Request,
        keys: Annotated[KeyRepository, Depends(key_repository)],
        limiter: Annotated[RateLimiter, Depends(rate_limiter)],
        settings: SettingsDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        principal = authenticate(keys, credentials.credentials if credentials else None)
        limit = principal.rate_limit_per_minute or settings.rate_limit_per_minute
        try:
            request.state.rate_limit = limiter.hit(principal.key_id, limit)
        except RateLimitedWindow as limited:
            request.state.rate_limit = limited.window
            raise
        return authorize(principal, scope)

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


def hooks_for_source(
    source_id: Annotated[str, Path(alias="sourceId")], db: TableDep, settings: SettingsDep
) -> TestHooks:
    return load_hooks(db, settings.test_hooks_enabled, source_id)


def json_body(max_bytes: int) -> Callable[..., Awaitable[None]]:
    """415 unless a body is JSON; 413 past `max_bytes` (checked before the body is validated)."""

    async def dependency(request: Request) -> None:
        body = await request.body()
        if not body:
            return
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise UnsupportedMediaType("Send the body as application/json.")
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"The body is larger than {max_bytes // (1024 * 1024)} MiB.")

    return dependency
