"""POST /api/v1/sources/{sourceId}/runs/{runId}/apply: build and publish a generation (write
scope). 200 when published, 202 while the build is still going."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from kb.generations.models import ApplyResult
from kb.generations.service import apply_run as apply
from kb.http.app import build_app, make_handler
from kb.http.deps import ClientsDep, ItemsDep, RunsDep, SettingsDep, SourcesDep, hooks_for_source, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.sources.models import Source
from kb.testhooks import TestHooks

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/runs/{runId}/apply",
    response_model=ApplyResult,
    responses={
        202: {"model": ApplyResult, "description": "Still building: poll the generation"},
        **error_responses(
            mutation=True,
            s409="source_inactive, not_apply_eligible, apply_conflict, stale_plan, stale_base, apply_in_progress, lease_lost",
            s502="build_failed",
        ),
    },
    tags=["runs"],
)
def apply_run(
    run_id: Annotated[str, Path(alias="runId")],
    source: Annotated[Source, Depends(source_for("write"))],
    hooks: Annotated[TestHooks, Depends(hooks_for_source)],
    runs: RunsDep,
    sources: SourcesDep,
    items: ItemsDep,
    settings: SettingsDep,
    clients: ClientsDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    def operation() -> tuple[int, ApplyResult]:
        result = apply(
            runs,
            sources,
            items,
            clients.sfn,
            settings.apply_state_machine_arn,
            source,
            run_id,
            settings.execution_wait_seconds,
            hooks.apply_lease_seconds or settings.apply_lease_seconds,
            hooks,
        )
        return (200 if result.status == "published" else 202), result

    return idempotency.run(source.tenant_id, operation)


app = build_app(router)
handler = make_handler(app)
