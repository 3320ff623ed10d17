"""Training over HTTP: start a job (one per tenant: the lock's transaction decides), read it with
its live progress, list jobs, request a cancel."""

from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from kb.composition import Clock
from kb.errors import NotFound, TrainingInProgress, TrainingNotRunning
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, new_id, to_iso
from kb.sources.repository import SourceRepository
from kb.sources.service import get_source, require_active
from kb.training.models import (
    FINISHED,
    TrainingJob,
    TrainingJobPage,
    TrainProgress,
    TrainRequest,
    TrainSource,
    TrainTask,
)
from kb.training.repository import LockTaken, StatusChanged, TrainingRepository
from kb.webhooks.events import EventPublisher, new_event
from kb.workflows import Workflows

# How long the tenant's training lock outlasts the job's last step (each step renews it): longer
# than any one source's build, so a live job never loses it; a job whose machine died frees the
# tenant after it.
LOCK_SECONDS = 6 * 3600


def start_training(
    jobs: TrainingRepository,
    sources: SourceRepository,
    workflows: Workflows,
    state_machine_arn: str,
    events: EventPublisher,
    tenant_id: str,
    request: TrainRequest,
    clock: Clock,
) -> TrainingJob:
    if request.source_ids is not None:
        chosen = [require_active(get_source(sources, tenant_id, sid)) for sid in dict.fromkeys(request.source_ids)]
    else:
        chosen = [s for s in sources.all(tenant_id) if s.status == "active"]
    job = TrainingJob(
        id=new_id("train"),
        tenant_id=tenant_id,
        mode=request.mode,
        status="queued",
        gate=request.gate,
        sources=[TrainSource(source_id=s.id) for s in chosen],
        progress=TrainProgress(sources_total=len(chosen)),
        created_at=iso_now(),
    )
    now = clock()
    try:
        jobs.start(job, to_iso(now + timedelta(seconds=LOCK_SECONDS)), to_iso(now))
    except LockTaken as error:
        raise TrainingInProgress(
            f"Training job {jobs.holder(tenant_id) or ''} of this tenant has not finished; wait for it or cancel it."
        ) from error
    try:
        workflows.start(state_machine_arn, job.id, TrainTask(tenant_id=tenant_id, job_id=job.id).to_json_dict())
    except (BotoCoreError, ClientError):
        jobs.finish(job, "queued", job.model_copy(update={"status": "failed", "completed_at": iso_now()}))
        raise
    data = {"jobId": job.id, "mode": job.mode, "sourceIds": [s.source_id for s in job.sources]}
    events.publish(tenant_id, [new_event("training.started", data)])
    return job


def get_job(
    jobs: TrainingRepository, generations: GenerationRepository, tenant_id: str, job_id: str | None
) -> TrainingJob:
    """The job (the latest without an id), with the live progress of the source it is building."""
    job = jobs.get(tenant_id, job_id) if job_id else jobs.latest(tenant_id)
    if job is None:
        raise NotFound(f"Training job {job_id} was not found." if job_id else "No training job was started yet.")
    return with_live_progress(job, generations)


def with_live_progress(job: TrainingJob, generations: GenerationRepository) -> TrainingJob:
    """The running source's counters are its generation's (the build's slices add to them); the
    job record holds those of finished sources."""
    sources = list(job.sources)
    for index, source in enumerate(sources):
        if source.status != "running" or source.generation_id is None:
            continue
        generation = generations.get(source.source_id, source.generation_id)
        if generation is None or generation.progress is None:
            continue
        live = generation.progress
        sources[index] = source.model_copy(
            update={"items_done": live.items_done, "chunks_done": live.chunks_total, "chunks_total": live.chunks_total}
        )
    return job.model_copy(update={"sources": sources, "progress": progress_of(sources)})


def progress_of(sources: list[TrainSource]) -> TrainProgress:
    return TrainProgress(
        sources_done=sum(1 for s in sources if s.status not in ("pending", "running")),
        sources_total=len(sources),
        items_done=sum(s.items_done for s in sources),
        items_total=sum(s.items_total for s in sources),
        chunks_done=sum(s.chunks_done for s in sources),
        chunks_total=sum(s.chunks_total for s in sources),
    )


def list_jobs(jobs: TrainingRepository, tenant_id: str, limit: int, cursor: str | None) -> TrainingJobPage:
    page, next_cursor = jobs.page(tenant_id, limit, cursor)
    return TrainingJobPage(jobs=page, next_cursor=next_cursor)


def cancel_training(
    jobs: TrainingRepository, generations: GenerationRepository, tenant_id: str, job_id: str | None, clock: Clock
) -> TrainingJob:
    """Ask the job to stop; the machine stops at its next safe point (docs/training.md). A cancel
    of a job already cancelling changes nothing; of a finished one, 409 training_not_running."""
    job = get_job(jobs, generations, tenant_id, job_id)
    if job.status == "cancelling":
        return job
    if job.status in FINISHED:
        raise TrainingNotRunning(f"Training job {job.id} is {job.status}.")
    try:
        jobs.request_cancel(job, to_iso(clock()))
    except StatusChanged as error:
        fresh = get_job(jobs, generations, tenant_id, job.id)
        if fresh.status == "cancelling":
            return fresh
        raise TrainingNotRunning(f"Training job {job.id} is {fresh.status}.") from error
    return get_job(jobs, generations, tenant_id, job.id)
