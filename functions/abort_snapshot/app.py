"""POST /api/v1/sources/{sourceId}/snapshots/{snapshotId}/abort: drop the snapshot; the staging
set is untouched (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import SnapshotsDep
from kb.snapshots.models import SnapshotEnvelope
from kb.snapshots.service import abort_snapshot as abort
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/abort",
    response_model=SnapshotEnvelope,
    responses=error_responses(mutation=True, s409="snapshot_closed"),
    tags=["snapshots"],
)
def abort_snapshot(
    snapshot_id: Annotated[str, Path(alias="snapshotId")],
    source: Annotated[Source, Depends(source_for("write"))],
    snapshots: SnapshotsDep,
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        source.tenant_id, lambda: (200, SnapshotEnvelope(snapshot=abort(snapshots, sources, source, snapshot_id)))
    )


app = build_app(router)
handler = make_handler(app)
