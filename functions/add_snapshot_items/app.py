"""POST /api/v1/sources/{sourceId}/snapshots/{snapshotId}/items: add a page of up to 1000 items
(5 MiB) to an open snapshot, with a result per item (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.analytics.recording import note
from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_BATCH_BYTES, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import SnapshotsDep
from kb.snapshots.models import SnapshotPageRequest, SnapshotPageResult
from kb.snapshots.service import add_page
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/items",
    response_model=SnapshotPageResult,
    responses=error_responses(mutation=True, s409="source_inactive, snapshot_closed", s413="payload_too_large"),
    dependencies=[Depends(json_body(MAX_BATCH_BYTES))],
    tags=["snapshots"],
)
def add_snapshot_items(
    body: SnapshotPageRequest,
    snapshot_id: Annotated[str, Path(alias="snapshotId")],
    source: Annotated[Source, Depends(source_for("write"))],
    snapshots: SnapshotsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(source.tenant_id, lambda: (200, _counted(add_page(snapshots, source, snapshot_id, body))))


def _counted(result: SnapshotPageResult) -> SnapshotPageResult:
    note(itemsPushed=result.accepted)
    return result


app = build_app(router)
handler = make_handler(app)
