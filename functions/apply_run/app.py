"""POST /api/v1/sources/{sourceId}/runs/{runId}/apply: build and publish a generation (write
scope). 200 when published (or unchanged, or held by its evaluation gate), 202 while the build is
still going, with a Location to poll. The optional body carries an evaluation gate."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path
from fastapi.responses import JSONResponse

from kb.generations.models import ApplyRequest, ApplyResult
from kb.generations.service import apply_run as apply
from kb.http.accepted import locate_accepted
from kb.http.app import build_app, make_handler
from kb.http.deps import MAX_ITEM_BYTES, SettingsDep, SourceClockDep, SourcesDep, WorkflowsDep, json_body, source_for
from kb.http.errors import error_responses
from kb.http.idempotency import IdempotencyDep
from kb.http.publishing import GenerationsDep, RunsDep
from kb.http.staging import ItemsDep
from kb.sources.models import Source

router = APIRouter()


@router.post(
    "/v1/sources/{sourceId}/runs/{runId}/apply",
    response_model=ApplyResult,
    responses={
        202: {
            "model": ApplyResult,
            "description": "Still building: poll the generation named by the Location header",
            "headers": {"Location": {"description": "The generation to poll", "schema": {"type": "string"}}},
        },
        **error_responses(
            mutation=True,
            s409="source_inactive, not_apply_eligible, apply_conflict, run_expired, stale_plan, stale_base, "
            "apply_in_progress, lease_lost",
            s502="build_failed",
        ),
    },
    dependencies=[Depends(json_body(MAX_ITEM_BYTES))],
    tags=["runs"],
)
def apply_run(
    run_id: Annotated[str, Path(alias="runId")],
    source: Annotated[Source, Depends(source_for("write"))],
    clock: SourceClockDep,
    runs: RunsDep,
    sources: SourcesDep,
    items: ItemsDep,
    generations: GenerationsDep,
    settings: SettingsDep,
    workflows: WorkflowsDep,
    idempotency: IdempotencyDep,
    body: Annotated[ApplyRequest | None, Body()] = None,
) -> JSONResponse:
    def operation() -> tuple[int, ApplyResult]:
        result = apply(
            runs,
            sources,
            items,
            generations,
            workflows,
            settings.apply_state_machine_arn,
            source,
            run_id,
            settings.execution_wait_seconds,
            settings.apply_lease_seconds,
            clock,
            settings.run_plan_retention_days,
            gate=body.gate if body else None,
        )
        return (202 if result.status == "applying" else 200), result

    response = idempotency.run(source.tenant_id, operation)
    return locate_accepted(response, lambda body: f"/v1/sources/{source.id}/generations/{body['generationId']}")


app = build_app(router)
handler = make_handler(app)
