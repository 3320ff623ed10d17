"""POST /api/v1/sources/{sourceId}/snapshots/{snapshotId}/commit: the staging set becomes exactly
the snapshot; items missing from it go missing (tombstones after the next apply), unless that is
more than the source's massDeletionThreshold and the body does not opt in (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SourcesDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import ItemsDep, SnapshotsDep
from kb.snapshots.models import CommitSnapshotRequest, SnapshotEnvelope
from kb.snapshots.service import commit_snapshot as commit
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/commit",
    response_model=SnapshotEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive, snapshot_closed, mass_deletion"),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["snapshots"],
)
def commit_snapshot(
    snapshot_id: Annotated[str, Path(alias="snapshotId")],
    source: Annotated[Source, Depends(source_for("write"))],
    snapshots: SnapshotsDep,
    sources: SourcesDep,
    items: ItemsDep,
    idempotency: IdempotencyDep,
    body: CommitSnapshotRequest | None = None,
) -> JSONResponse:
    allow = body is not None and body.allow_mass_deletion
    return idempotency.run(
        source.tenant_id,
        lambda: (200, SnapshotEnvelope(snapshot=commit(snapshots, sources, items, source, snapshot_id, allow))),
    )


app = build_app(router)
handler = make_handler(app)
