"""POST /api/v1/sources/{sourceId}/imports: a bulk import of a JSON-lines file, and the presigned
URL to PUT the file to (write scope). Nothing is read until the import is started."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, BlobsDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.imports import ImportsDep
from kb.imports.models import CreateImportRequest, ImportEnvelope
from kb.imports.service import create_import as create
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/imports",
    status_code=201,
    response_model=ImportEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive"),
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["imports"],
)
def create_import(
    source: Annotated[Source, Depends(source_for("write"))],
    imports: ImportsDep,
    blobs: BlobsDep,
    idempotency: IdempotencyDep,
    body: CreateImportRequest | None = None,
) -> JSONResponse:
    request = body or CreateImportRequest()
    return idempotency.run(source.tenant_id, lambda: (201, create(imports, blobs, source, request)))


app = build_app(router)
handler = make_handler(app)
