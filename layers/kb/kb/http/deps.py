"""FastAPI dependencies every endpoint may need: settings, clients, the table and the bucket,
request guards, the authenticated principal and the path's source. Tests swap any of them with
app.dependency_overrides.

The staging set's (kb.http.staging), runs' and generations' (kb.http.publishing) and webhooks'
(kb.http.webhooks) live in modules of their own, like the serving functions' (kb.http.serving):
a function imports only the domains it uses."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.aws import AwsClients, get_clients
from kb.blobs import BlobStore
from kb.composition import Clock, adapters
from kb.cursors import CursorCodec
from kb.errors import InvalidKey, KeyExpired, KeyRevoked, PayloadTooLarge, UnsupportedMediaType
from kb.keys.models import Principal, Scope
from kb.keys.plans import PlanCache, check_source_address, plan_cache, resolve_limits
from kb.keys.repository import KeyRepository
from kb.keys.service import authenticate, authorize, key_id_of
from kb.ratelimit import FailedAuthLimiter, RateLimitedWindow, RateLimiter, is_bulk
from kb.settings import Settings, get_settings
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source
from kb.storage import Table
from kb.workflows import Workflows

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
    return adapters().blob_store(clients.s3, settings.bucket_name)


def workflows(clients: ClientsDep) -> Workflows:
    return adapters().workflows(clients.sfn)


def source_clock(source_id: Annotated[str, Path(alias="sourceId")]) -> Clock:
    """Now, as the path's source is judged (grace windows, leases)."""
    return adapters().clock(source_id)


def key_repository(db: TableDep) -> KeyRepository:
    return KeyRepository(db)


def source_repository(db: TableDep) -> SourceRepository:
    return SourceRepository(db)


def rate_limiter(db: TableDep) -> RateLimiter:
    return RateLimiter(db)


def failed_auth_limiter(db: TableDep, settings: SettingsDep) -> FailedAuthLimiter:
    return FailedAuthLimiter(db, per_address=settings.failed_auth_per_address_per_minute)


SourcesDep = Annotated[SourceRepository, Depends(source_repository)]
BlobsDep = Annotated[BlobStore, Depends(blob_store)]
WorkflowsDep = Annotated[Workflows, Depends(workflows)]
SourceClockDep = Annotated[Clock, Depends(source_clock)]

# auto_error=False: a missing or malformed header is our `unauthorized`, in our error shape.
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey", description="sk_live_<keyId>_<secret>")


def require_scope(scope: Scope) -> Callable[..., Principal]:
    """Authenticate (refused while the source address or the key id has too many recent failed
    authentications; a failure counts against both), check the key's source ranges, count the
    request in the key's rate-limit windows (and the bulk window on a bulk route), then check the
    scope. The address is API Gateway's requestContext.http.sourceIp (Mangum's request.client)."""

    def dependency(
        request: Request,
        keys: Annotated[KeyRepository, Depends(key_repository)],
        limiter: Annotated[RateLimiter, Depends(rate_limiter)],
        failures: Annotated[FailedAuthLimiter, Depends(failed_auth_limiter)],
        plans: Annotated[PlanCache, Depends(plan_cache)],
        settings: SettingsDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        key_clock = adapters().key_clock
        token = credentials.credentials if credentials else None
        address, key_id = (request.client.host if request.client else None), key_id_of(token)
        if token:
            failures.check(address, key_id)
        try:
            principal = authenticate(keys, token, key_clock)
        except (InvalidKey, KeyExpired, KeyRevoked):
            failures.record_failure(address, key_id)
            raise
        request.state.principal = principal  # whose request it is, for analytics (kb.analytics.hook)
        check_source_address(principal, address)
        limits = resolve_limits(principal, plans.plan(principal.tenant_id, keys.get_tenant), settings)
        bulk = is_bulk(request.method, request.url.path)
        try:
            now = key_clock(principal.key_id)().timestamp()
            request.state.rate_limit = limiter.hit(principal.key_id, limits, bulk, now)
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
