"""The auto-publish queue's worker: a window's message starts a run and applies it through the
same domain functions the HTTP endpoints call (start_run, apply_run), so every run and apply
event, lease, recorder and check is the one a manual publish meets."""

from dataclasses import dataclass
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from kb.autopublish.models import PublishMessage
from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.scheduler import AutoPublishTrigger, GiveUp, after_failure, classify
from kb.errors import BuildFailed, DomainError
from kb.generations.repository import GenerationRepository
from kb.generations.service import apply_run
from kb.ids import Clock, to_iso
from kb.items.repository import ItemRepository
from kb.observability import count, logger
from kb.runs.repository import RunRepository
from kb.runs.service import start_run
from kb.sources.models import PublishFailure, Source
from kb.sources.repository import SourceRepository
from kb.webhooks.events import EventPublisher, new_event
from kb.workflows import Workflows

PUBLISH_FAILED = "source.publish_failed"


@dataclass(frozen=True)
class PublishSettings:
    run_state_machine_arn: str
    apply_state_machine_arn: str
    wait_seconds: float  # for each of the run and the apply, within the worker's timeout
    lease_seconds: int
    plan_retention_days: int
    retry_seconds: float  # busy re-checks, and the base of the failure backoff
    max_attempts: int
    worker_seconds: int  # how long a worker's claim lasts (past the function's timeout)


class _Failed(Exception):
    def __init__(self, code: str, reason: str, error: BaseException) -> None:
        super().__init__(reason)
        self.code, self.reason, self.error = code, reason, error


@dataclass
class AutoPublisher:
    sources: SourceRepository
    state: PublishStateRepository
    trigger: AutoPublishTrigger
    runs: RunRepository
    items: ItemRepository
    generations: GenerationRepository
    workflows: Workflows
    events: EventPublisher
    clock: Clock
    settings: PublishSettings

    def handle(self, message: PublishMessage) -> str:
        """What became of the message (for the log): published, unchanged, applying, busy,
        stale, stopped, retrying, failed."""
        source = self.sources.get(message.tenant_id, message.source_id)
        if source is None:
            return "stale"
        if message.generation_id is not None:
            return self._watch(source, message)
        window = source.publish_window
        if window is None or window.owner != message.window:
            return "stale"  # closed (switched to manual) or replaced after it expired
        if source.status != "active" or source.publishing.mode != "auto":
            self.state.close_window(source, message.window)
            return "stopped"
        if source.open_snapshot_id is not None:
            # A run of a source with an open snapshot cannot be applied: wait for its commit or abort.
            self.trigger.resend(source, message, self.settings.retry_seconds)
            return "busy"
        now = self.clock()
        until = to_iso(now + timedelta(seconds=self.settings.worker_seconds))
        claimed = self.state.claim(source, message.window, until, to_iso(now))
        if claimed is None:
            self.trigger.resend(source, message, self.settings.retry_seconds)
            return "busy"
        try:
            return self._publish(claimed)
        finally:
            self.release(claimed, message.window)

    def release(self, claimed: Source, token: str) -> None:
        """End the claim; a window that opened during the build is nudged to start when due."""
        released = self.state.release(claimed, token)
        if released is not None:
            self.trigger.nudge(released)

    def _publish(self, source: Source) -> str:
        settings = self.settings
        try:
            run, finished = start_run(
                self.runs, self.workflows, settings.run_state_machine_arn, source, settings.wait_seconds
            )
            if not finished or run.status != "succeeded":
                raise BuildFailed(f"Run {run.id} is {run.status}: {run.error or 'it did not finish in time'}")
            if run.base_generation_id is None and run.counts.changes() == 0:
                return self._succeeded(source, run.staging_epoch, "unchanged")
            result = apply_run(
                self.runs,
                self.sources,
                self.items,
                self.generations,
                self.workflows,
                settings.apply_state_machine_arn,
                source,
                run.id,
                settings.wait_seconds,
                settings.lease_seconds,
                self.clock,
                settings.plan_retention_days,
            )
        except Exception as error:  # noqa: BLE001 - the window is closed: a failure must lead to a retry or a report
            if not isinstance(error, DomainError | BotoCoreError | ClientError):
                logger.exception("automatic publish raised", extra={"source_id": source.id})
            return self._failed(source, error)
        if result.status == "applying":  # still building: look again later
            message = PublishMessage(
                tenant_id=source.tenant_id, source_id=source.id, window="watch", generation_id=result.generation_id
            )
            self.trigger.resend(source, message, settings.retry_seconds)
            return "applying"
        return self._succeeded(source, run.staging_epoch, result.status)

    def _watch(self, source: Source, message: PublishMessage) -> str:
        assert message.generation_id is not None
        generation = self.generations.get(source.id, message.generation_id)
        if generation is None:
            return "stale"
        if generation.status in ("queued", "running"):
            self.trigger.resend(source, message, self.settings.retry_seconds)
            return "applying"
        if generation.status == "failed":
            return self._failed(source, BuildFailed(generation.error or "The build failed."))
        run = self.runs.get(source.id, generation.run_id)
        return self._succeeded(source, run.staging_epoch if run else None, "published")

    def _succeeded(self, source: Source, epoch: int | None, outcome: str) -> str:
        self.state.succeeded(source)
        count("AutoPublishSucceeded")
        # A change that landed after the run closed its epoch but found this build's window
        # already closed opened its own; this catches a writer that read the source before it
        # was switched to auto (it did not try).
        if epoch is not None and self.items.changed_after(source.id, epoch):
            fresh = self.sources.get(source.tenant_id, source.id)
            if fresh is not None:
                self.trigger.staged(fresh)
        return outcome

    def _failed(self, source: Source, error: BaseException) -> str:
        code = error.code if isinstance(error, DomainError) else "internal_error"
        reason = str(error) or type(error).__name__
        verdict = classify(error)
        logger.warning("automatic publish failed", extra={"source_id": source.id, "code": code, "verdict": verdict})
        if verdict == "stop":
            return "stopped"
        if verdict == "race":
            self.trigger.open(source, self.settings.retry_seconds)
            return "retrying"
        failures = self.state.count_failure(source)
        decision = after_failure(failures, self.settings.max_attempts, self.settings.retry_seconds)
        if verdict == "human" or isinstance(decision, GiveUp):
            self._give_up(source, code, reason, failures)
            return "failed"
        # If a newer change already opened a window, its build is the retry.
        self.trigger.open(source, decision.delay_seconds)
        count("AutoPublishRetried")
        return "retrying"

    def _give_up(self, source: Source, code: str, reason: str, attempts: int) -> None:
        failure = PublishFailure(code=code, reason=reason, attempts=attempts, at=to_iso(self.clock()))
        self.state.give_up(source, failure)
        count("AutoPublishFailed")
        data = {"sourceId": source.id, "code": code, "reason": reason, "attempts": attempts}
        self.events.publish(source.tenant_id, [new_event(PUBLISH_FAILED, data)])
