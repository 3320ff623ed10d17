"""DELETE /api/v1/sources/{sourceId}/items/{externalItemId}: an intentional delete, gone at the
next apply (write scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.http.app import build_app, make_handler
from kb.http.deps import SourcesDep, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.staging import ItemsDep
from kb.items.service import delete_item as delete
from kb.models import ApiModel
from kb.sources.models import Source

router = APIRouter()


class Deleted(ApiModel):
    external_item_id: str
    deleted: bool


@router.delete(
    "/v1/sources/{sourceId}/items/{externalItemId}",
    response_model=Deleted,
    responses=error_responses(mutation=True, s409="source_inactive"),
    tags=["items"],
)
def delete_item(
    external_item_id: Annotated[str, Path(alias="externalItemId")],
    source: Annotated[Source, Depends(source_for("write"))],
    items: ItemsDep,
    sources: SourcesDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, Deleted]:
        delete(items, sources, source, external_item_id)
        return 200, Deleted(external_item_id=external_item_id, deleted=True)

    return idempotency.run(source.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
