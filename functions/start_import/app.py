"""POST /api/v1/sources/{sourceId}/imports/{importId}/start: read the uploaded file (write scope).
The import state machine reads it slice by slice; poll the import for its progress."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import BlobsDep, SettingsDep, SourcesDep, WorkflowsDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.imports import ImportsDep
from kb.http.staging import SnapshotsDep
from kb.http.webhooks import EventsDep
from kb.imports.models import ImportEnvelope
from kb.imports.service import start_import as start
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/imports/{importId}/start",
    response_model=ImportEnvelope,
    responses=error_responses(
        mutation=True,
        s409="source_inactive, snapshot_in_progress, import_closed, upload_missing",
        s413="payload_too_large",
    ),
    tags=["imports"],
)
def start_import(
    import_id: Annotated[str, Path(alias="importId")],
    source: Annotated[Source, Depends(source_for("write"))],
    imports: ImportsDep,
    snapshots: SnapshotsDep,
    sources: SourcesDep,
    blobs: BlobsDep,
    workflows: WorkflowsDep,
    events: EventsDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, ImportEnvelope]:
        arn = settings.import_state_machine_arn
        job = start(imports, snapshots, sources, blobs, workflows, events, arn, source, import_id)
        return 200, ImportEnvelope(import_=job)

    return idempotency.run(source.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
