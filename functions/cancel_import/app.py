"""POST /api/v1/sources/{sourceId}/imports/{importId}/cancel (write scope): a snapshot import's
snapshot is aborted (nothing goes missing); an upsert import keeps what it already staged."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.imports import ImportsDep
from kb.http.staging import SnapshotsDep
from kb.http.webhooks import EventsDep
from kb.imports.models import ImportEnvelope
from kb.imports.service import cancel_import as cancel
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/imports/{importId}/cancel",
    response_model=ImportEnvelope,
    responses=error_responses(mutation=True, s409="import_closed"),
    tags=["imports"],
)
def cancel_import(
    import_id: Annotated[str, Path(alias="importId")],
    source: Annotated[Source, Depends(source_for("write"))],
    imports: ImportsDep,
    snapshots: SnapshotsDep,
    sources: SourcesDep,
    blobs: BlobsDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id,
        lambda: (200, ImportEnvelope(import_=cancel(imports, snapshots, sources, blobs, events, source, import_id))),
    )


app = build_app(router)
handler = make_handler(app)
