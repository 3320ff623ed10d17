"""The train state machine's steps (statemachines/train.asl.json). `next` starts the next source:
its run computed here (a rebuild's plans every item), its lease and queued generation taken in one
transaction; the machine then builds it with the apply's own functions (plan, Map of slices,
combine), asks `check` whether a cancel arrived before publishing, and `settle`s the source's
outcome. `finish` settles the job, frees the tenant's lock and announces the end."""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from kb.blobs import BlobStore
from kb.composition import Clock
from kb.errors import DomainError
from kb.generations.models import ApplyTask, Generation, ReleaseTask
from kb.generations.repository import GenerationRepository
from kb.generations.service import release_lease
from kb.ids import iso_now, new_id, to_iso, utcnow
from kb.items.repository import ItemRepository
from kb.observability import logger
from kb.runs.models import Run, RunTask
from kb.runs.repository import RunRepository
from kb.runs.service import compute_run, load_plan
from kb.sources.repository import SourceConditionFailed, SourceRepository
from kb.training.models import NextStep, StepTask, TrainingJob, TrainSource
from kb.training.repository import StatusChanged, TrainingRepository
from kb.training.service import LOCK_SECONDS, progress_of
from kb.webhooks.events import EventPublisher, new_event

# A Catch's error name (the apply's Fail names and domain errors) -> the source's error code.
_FAILURE_CODES = {"StalePlan": "stale_plan", "StaleBase": "stale_base", "LeaseLost": "lease_lost"}
CANCELLED = "training_cancelled"


@dataclass
class TrainMachine:
    jobs: TrainingRepository
    sources: SourceRepository
    items: ItemRepository
    runs: RunRepository
    generations: GenerationRepository
    events: EventPublisher
    blobs_for: Callable[[str], BlobStore]
    clock_for: Callable[[str], Clock]
    lease_seconds: int

    def step(self, task: StepTask) -> dict:
        job = self.jobs.get(task.tenant_id, task.job_id)
        if job is None:
            raise LookupError(f"training job {task.job_id} is gone")
        if task.op == "next":
            return self.next(job).to_json_dict()
        if task.op == "check":
            self.jobs.renew(job, to_iso(utcnow() + timedelta(seconds=LOCK_SECONDS)))
            return {"cancelled": job.status == "cancelling"}
        if task.op == "settle":
            assert task.task is not None and task.outcome is not None
            self.settle(job, task.task, task.outcome, task.failure)
            return {}
        return {"status": self.finish(job, task.failure)}

    def next(self, job: TrainingJob) -> NextStep:
        self.jobs.renew(job, to_iso(utcnow() + timedelta(seconds=LOCK_SECONDS)))
        if job.status == "queued":
            with contextlib.suppress(StatusChanged):  # cancelled before it began: the loop below sees it
                self.jobs.mark_running(job, iso_now())
        for index, entry in enumerate(job.sources):
            if entry.status != "pending":
                continue
            if self._cancelling(job):
                return NextStep(action="finish")
            step = self._start_source(job, index, entry)
            if step is not None:
                return step
        return NextStep(action="finish")

    def _cancelling(self, job: TrainingJob) -> bool:
        fresh = self.jobs.get(job.tenant_id, job.id)
        return fresh is None or fresh.status == "cancelling"

    def _start_source(self, job: TrainingJob, index: int, entry: TrainSource) -> NextStep | None:
        """Plan the source and take its lease; None when it ends here (unchanged, refused, failed)."""
        source = self.sources.get(job.tenant_id, entry.source_id)
        if source is None or source.status != "active":
            self._record(
                job, index, entry, status="failed", error_code="source_inactive", error="Not an active source."
            )
            return None
        rebuild = job.mode == "rebuild"
        run = Run(
            id=new_id("run"), source_id=source.id, tenant_id=source.tenant_id, status="queued", created_at=iso_now()
        )
        run = run.model_copy(update={"rebuild": rebuild})
        blobs, clock = self.blobs_for(source.id), self.clock_for(source.id)
        self._record(job, index, entry, status="running", run_id=run.id)  # visible while its run plans
        entry = job.sources[index]
        try:
            self.runs.create(run)
            run = compute_run(
                RunTask(tenant_id=source.tenant_id, source_id=source.id, run_id=run.id, rebuild=rebuild),
                self.sources,
                self.items,
                self.runs,
                blobs,
                clock,
                self.events,
            )
        except (DomainError, BotoCoreError, ClientError) as error:
            logger.exception("a training run failed", extra={"source_id": source.id})
            self.runs.fail(source.id, run.id, str(error) or "The run failed.")
            self._record(job, index, entry, status="failed", run_id=run.id, error_code="run_failed", error=str(error))
            return None
        if run.rebuild_required and not rebuild:
            message = (
                "The source's chunking or language changed since its generation was built; train with mode rebuild."
            )
            self._record(
                job, index, entry, status="failed", run_id=run.id, error_code="rebuild_required", error=message
            )
            return None
        fresh = self.sources.get(source.tenant_id, source.id) or source
        if not rebuild and run.base_generation_id is not None and run.counts.changes() == 0:
            self.generations.apply_unchanged(self.sources, fresh, run, run.base_generation_id)
            self._record(job, index, entry, status="unchanged", run_id=run.id, generation_id=run.base_generation_id)
            return None
        plan = load_plan(blobs, run)
        built = len(plan.rebuild_items) if plan.rebuild_items is not None else run.counts.created + run.counts.updated
        generation = Generation(
            id=new_id("gen"),
            source_id=source.id,
            tenant_id=source.tenant_id,
            run_id=run.id,
            base_generation_id=run.base_generation_id,
            status="queued",
            counts=run.counts,
            created_at=iso_now(),
        )
        now = clock()
        try:
            self.generations.begin(
                self.sources, fresh, generation, to_iso(now + timedelta(seconds=self.lease_seconds)), to_iso(now)
            )
        except SourceConditionFailed:
            message = f"Another apply of source {source.id} was in progress."
            self._record(
                job, index, entry, status="failed", run_id=run.id, error_code="apply_in_progress", error=message
            )
            return None
        self._record(job, index, entry, status="running", run_id=run.id, generation_id=generation.id, items_total=built)
        task = ApplyTask(
            tenant_id=source.tenant_id, source_id=source.id, run_id=run.id, generation_id=generation.id, gate=job.gate
        )
        return NextStep(action="build", task=task)

    def settle(self, job: TrainingJob, task: ApplyTask, outcome: str, failure: dict[str, str] | None) -> None:
        """A source's end: published (the counters are its generation's), or failed or cancelled
        before its publish (the generation fails, the lease is freed: the previous one serves)."""
        index = next(i for i, s in enumerate(job.sources) if s.source_id == task.source_id)
        entry = job.sources[index]
        generation = self.generations.get(task.source_id, task.generation_id)
        progress = generation.progress if generation and generation.progress else None
        counted = {
            "items_done": progress.items_done if progress else 0,
            "chunks_done": progress.chunks_done or progress.chunks_total if progress else 0,
            "chunks_total": progress.chunks_total if progress else 0,
        }
        built = str(generation.status) if generation is not None else None
        if outcome == "published" and built in ("succeeded", "held"):
            # held: an evaluation gate kept the candidate unpublished (its apply freed the lease)
            self._record(job, index, entry, status="published" if built == "succeeded" else "held", **counted)
            return
        if outcome == "cancelled":
            code, message = CANCELLED, "The training job was cancelled before this build was published."
        else:
            error = (failure or {}).get("Error", "")
            code = _FAILURE_CODES.get(error, "build_failed")
            message = (failure or {}).get(
                "Cause"
            ) or "The knowledge build failed; the previous generation keeps serving."
        self.generations.fail(task.source_id, task.generation_id, code, message)
        released = ReleaseTask(**task.model_dump(), failure="BuildFailed" if code == "build_failed" else None)
        release_lease(self.sources, released, self.events)
        status = "cancelled" if outcome == "cancelled" else "failed"
        self._record(job, index, entry, status=status, error_code=code, error=message, **counted)

    def finish(self, job: TrainingJob, failure: dict[str, str] | None) -> str:
        """completed (every source published or unchanged), failed (any source, or the machine,
        failed) or cancelled; with the lock freed in the same transaction. A cancel racing this
        write either lands first (cancelled) or finds the job finished (409)."""
        while True:
            job = self.jobs.get(job.tenant_id, job.id) or job
            if job.status in ("completed", "failed", "cancelled"):
                return job.status
            for source in job.sources:  # the machine failed mid-build: that build must not hold its source
                if source.status == "running" and source.run_id and source.generation_id:
                    self.generations.fail(source.source_id, source.generation_id, "build_failed", "Training failed.")
                    task = ReleaseTask(
                        tenant_id=job.tenant_id,
                        source_id=source.source_id,
                        run_id=source.run_id,
                        generation_id=source.generation_id,
                    )
                    release_lease(self.sources, task, self.events)
            sources = [
                s.model_copy(update={"status": "cancelled"}) if s.status in ("pending", "running") else s
                for s in job.sources
            ]
            if job.status == "cancelling":
                status = "cancelled"
            elif failure is not None or any(s.status in ("failed", "cancelled") for s in sources):
                status = "failed"
            else:
                status = "completed"
            final = job.model_copy(
                update={
                    "status": status,
                    "sources": sources,
                    "progress": progress_of(sources),
                    "completed_at": iso_now(),
                }
            )
            try:
                self.jobs.finish(job, job.status, final)
            except StatusChanged:
                continue  # a cancel landed between the read and the write: decide again
            data = {
                "jobId": job.id,
                "mode": job.mode,
                "progress": final.progress.to_json_dict(),
                "sources": [s.to_json_dict() for s in sources],
            }
            self.events.publish(job.tenant_id, [new_event(f"training.{status}", data)])
            return status

    def _record(self, job: TrainingJob, index: int, entry: TrainSource, **changes: object) -> None:
        updated = entry.model_copy(update=changes)
        job.sources[index] = updated
        try:
            self.jobs.record(job, index, updated, progress_of(job.sources))
        except StatusChanged:
            logger.warning("training job finished while a source was recorded", extra={"job_id": job.id})
