"""POST /api/v1/sources/{sourceId}/files: upload a file of up to 4 MiB as multipart/form-data
(write scope). 202 with the file (uploaded); processing follows (GET the file for its status)."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from kb.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from kb.files.records import MAX_MULTIPART_BYTES, FileEnvelope
from kb.files.service import accept_multipart
from kb.http.app import build_app, make_handler
from kb.http.deps import source_for
from kb.http.errors import error_responses
from kb.http.files import FilesDep, UploadsDep
from kb.http.idempotency import IdempotencyDep
from kb.http.webhooks import EventsDep
from kb.sources.models import Source

router = APIRouter()
# The form's other fields and its boundaries, on top of the file itself.
_FORM_OVERHEAD_BYTES = 64 * 1024


async def multipart_body(request: Request) -> None:
    """415 unless the body is multipart/form-data; 413 past the limit, before anything is parsed."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaType("Send the file as multipart/form-data (field `file`).")
    if len(await request.body()) > MAX_MULTIPART_BYTES + _FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(
            f"A file sent through the API is at most {MAX_MULTIPART_BYTES // (1024 * 1024)} MiB; "
            "larger ones go through POST /v1/sources/{sourceId}/files/uploads."
        )


def _json_field(name: str, text: str | None, kind: type) -> Any:
    if text is None:
        return kind()
    try:
        value = json.loads(text)
    except ValueError:
        raise ValidationFailed(f"{name}: must be JSON") from None
    if not isinstance(value, kind):
        raise ValidationFailed(f"{name}: must be a JSON {'array' if kind is list else 'object'}")
    return value


@router.post(
    "/v1/sources/{sourceId}/files",
    status_code=202,
    response_model=FileEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive", s413="payload_too_large"),
    dependencies=[Depends(multipart_body)],
    tags=["files"],
)
def upload_file(
    file: Annotated[UploadFile, File(description="The file; its name is the item's id unless externalItemId is given")],
    source: Annotated[Source, Depends(source_for("write"))],
    files: FilesDep,
    uploads: UploadsDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
    external_item_id: Annotated[str | None, Form(alias="externalItemId")] = None,
    title: Annotated[str | None, Form()] = None,
    tags: Annotated[str | None, Form(description='A JSON array of strings, e.g. ["guides"]')] = None,
    metadata: Annotated[str | None, Form(description='A JSON object, e.g. {"lang": "en"}')] = None,
) -> JSONResponse:
    if not file.filename:
        raise ValidationFailed("file: needs a file name (the part's filename)")
    filename = file.filename
    fields = {
        "external_item_id": external_item_id or None,
        "title": title or None,
        "tags": _json_field("tags", tags, list),
        "metadata": _json_field("metadata", metadata, dict),
    }
    data = file.file.read()

    def operation() -> tuple[int, FileEnvelope]:
        record = accept_multipart(files, uploads, events, source, filename, file.content_type, data, fields)
        return 202, FileEnvelope(file=record)

    response = idempotency.run(source.tenant_id, operation)
    file_id = json.loads(bytes(response.body))["file"]["id"]  # a replay's too
    response.headers["location"] = f"/api/v1/sources/{source.id}/files/{file_id}"
    return response


app = build_app(router)
handler = make_handler(app)
