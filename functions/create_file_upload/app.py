"""POST /api/v1/sources/{sourceId}/files/uploads: a presigned S3 upload for a file of up to
100 MiB (write scope). 201 with the file (awaiting_upload) and the form POST to send it with."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from kb.files.records import CreateUploadRequest, UploadTicket
from kb.files.service import create_upload
from kb.http.app import build_app, make_handler
from kb.http.deps import json_body, source_for
from kb.http.errors import error_responses
from kb.http.files import FilesDep, UploadsDep
from kb.http.idempotency import IdempotencyDep
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/files/uploads",
    status_code=201,
    response_model=UploadTicket,
    responses=error_responses(mutation=True, s409="source_inactive", s413="payload_too_large"),
    dependencies=[Depends(json_body(64 * 1024))],
    tags=["files"],
)
def create_file_upload(
    body: CreateUploadRequest,
    source: Annotated[Source, Depends(source_for("write"))],
    files: FilesDep,
    uploads: UploadsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(source.tenant_id, lambda: (201, create_upload(files, uploads, source, body)))


app = build_app(router)
handler = make_handler(app)
