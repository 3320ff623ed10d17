"""POST /api/v1/sources/{sourceId}/files: upload a file of up to 4 MiB as multipart/form-data
(write scope). 202 with the file (uploaded); processing follows (GET the file for its status)."""

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from kb.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from kb.files.records import MAX_FILENAME_CHARS, MAX_MULTIPART_BYTES, FileEnvelope
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


@dataclass(frozen=True)
class UploadForm:
    filename: str
    content_type: str | None
    data: bytes
    fields: dict[str, Any]


async def upload_form(request: Request) -> UploadForm:
    """415 unless the body is multipart/form-data; 413 past the limit, before it is parsed. The
    form is parsed here, from the body read whole (the idempotency check reads it too), rather than
    by FastAPI's File/Form parameters, which would consume the stream first."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaType("Send the file as multipart/form-data (field `file`).")
    if len(await request.body()) > MAX_MULTIPART_BYTES + _FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(
            f"A file sent through the API is at most {MAX_MULTIPART_BYTES // (1024 * 1024)} MiB; "
            "larger ones go through POST /v1/sources/{sourceId}/files/uploads."
        )
    try:
        form = await request.form()
    except (AssertionError, ValueError, MultiPartException, HTTPException):  # Starlette's 400 for a bad form
        raise ValidationFailed("body: not a readable multipart/form-data body") from None
    file = form.get("file")
    if not isinstance(file, StarletteUploadFile):
        raise ValidationFailed("file: a file part named `file` is required")
    if not file.filename:
        raise ValidationFailed("file: needs a file name (the part's filename)")
    if len(file.filename) > MAX_FILENAME_CHARS:
        raise ValidationFailed(f"file: the file name must be at most {MAX_FILENAME_CHARS} characters")
    texts = {name: value for name, value in form.items() if isinstance(value, str)}
    return UploadForm(
        filename=file.filename,
        content_type=file.content_type,
        data=await file.read(),
        fields={
            "external_item_id": texts.get("externalItemId"),  # "" is refused, not taken for absent
            "title": texts.get("title") or None,
            "tags": _json_field("tags", texts.get("tags"), list),
            "metadata": _json_field("metadata", texts.get("metadata"), dict),
        },
    )


def _json_field(name: str, text: str | None, kind: type) -> Any:
    if not text:
        return kind()
    try:
        value = json.loads(text)
    except ValueError:
        raise ValidationFailed(f"{name}: must be JSON") from None
    if not isinstance(value, kind):
        raise ValidationFailed(f"{name}: must be a JSON {'array' if kind is list else 'object'}")
    return value


# The form, for openapi.yaml (parsed by upload_form, not by FastAPI parameters).
_FORM_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The file; its name is the item's id unless externalItemId is given",
        },
        "externalItemId": {"type": "string", "minLength": 1, "maxLength": 250},
        "title": {"type": "string", "maxLength": 1000},
        "tags": {"type": "string", "description": 'A JSON array of strings, e.g. ["guides"]'},
        "metadata": {"type": "string", "description": 'A JSON object, e.g. {"lang": "en"}'},
    },
}


@router.post(
    "/v1/sources/{sourceId}/files",
    status_code=202,
    response_model=FileEnvelope,
    responses=error_responses(mutation=True, s409="source_inactive", s413="payload_too_large"),
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM_SCHEMA}}}},
    tags=["files"],
)
def upload_file(
    form: Annotated[UploadForm, Depends(upload_form)],
    source: Annotated[Source, Depends(source_for("write"))],
    files: FilesDep,
    uploads: UploadsDep,
    events: EventsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, FileEnvelope]:
        record = accept_multipart(
            files, uploads, events, source, form.filename, form.content_type, form.data, form.fields
        )
        return 202, FileEnvelope(file=record)

    response = idempotency.run(source.tenant_id, operation)
    file_id = json.loads(bytes(response.body))["file"]["id"]  # a replay's too
    response.headers["location"] = f"/api/v1/sources/{source.id}/files/{file_id}"
    return response


app = build_app(router)
handler = make_handler(app)
