"""POST /api/v1/sources/{sourceId}/snapshots: open a snapshot session (write scope). While it is
open, runs have incomplete discovery and cannot be applied."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import SnapshotsDep
from kb.snapshots.models import SnapshotEnvelope
from kb.snapshots.service import begin_snapshot as begin
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/snapshots",
    status_code=201,
    response_model=SnapshotEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive, snapshot_in_progress"),
    tags=["snapshots"],
)
def begin_snapshot(
    source: Annotated[Source, Depends(source_for("write"))],
    snapshots: SnapshotsDep,
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id, lambda: (201, SnapshotEnvelope(snapshot=begin(snapshots, sources, source)))
    )


app = build_app(router)
handler = make_handler(app)
