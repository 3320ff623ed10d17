"""Scheduling an automatic publish, and the decisions about failed ones (pure, unit-tested).

A staging write of an auto-publishing source opens the source's debounce window (a conditional
write: only the first change of a quiet source succeeds) and sends one message to the
auto-publish queue, delayed by the source's `delaySeconds`. Later changes find the window open and
do nothing more: they are folded into the build that message starts. See docs/architecture.md,
"Publishing without an apply"."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from kb.autopublish.models import PublishMessage
from kb.autopublish.repository import PublishStateRepository
from kb.errors import (
    ApplyInProgress,
    BuildFailed,
    DomainError,
    LeaseLost,
    NotApplyEligible,
    SourceInactive,
    StaleBase,
    StalePlan,
)
from kb.ids import Clock, new_id, parse_iso, to_iso, utcnow
from kb.observability import count
from kb.sources.models import MAX_PUBLISH_DELAY_SECONDS, Source

# A window whose message has not been taken this long after its delay is taken as lost (its
# message dead-lettered): the next change may open another.
WINDOW_GRACE_SECONDS = 3600

# Races with another writer, apply or snapshot (a snapshot opened between the worker's check and
# its run makes the run not apply-eligible): tried again shortly, never counted as failures.
_RACES: tuple[type[DomainError], ...] = (StaleBase, StalePlan, ApplyInProgress, LeaseLost, NotApplyEligible)

Verdict = Literal["race", "retry", "human", "stop"]


def classify(error: BaseException) -> Verdict:
    """race: another apply or a newer change got there first (try again soon, uncounted);
    retry: the build or the infrastructure failed (retried with backoff, counted);
    stop: the source was archived meanwhile (nothing to report);
    human: a refusal no retry can change (reported at once)."""
    if isinstance(error, _RACES):
        return "race"
    if isinstance(error, SourceInactive):
        return "stop"
    if isinstance(error, BuildFailed) or not isinstance(error, DomainError):
        return "retry"
    return "human"


@dataclass(frozen=True)
class Retry:
    delay_seconds: int


@dataclass(frozen=True)
class GiveUp:
    attempts: int


def after_failure(failures: int, max_attempts: int, base_seconds: float) -> Retry | GiveUp:
    """After the `failures`-th consecutive failed attempt: wait base, 2x base, 4x base, ... (at
    most the 15 minutes an SQS delay allows), until `max_attempts` attempts have failed."""
    if failures >= max_attempts:
        return GiveUp(failures)
    return Retry(int(min(MAX_PUBLISH_DELAY_SECONDS, base_seconds * 2 ** (failures - 1))))


def should_schedule(source: Source) -> bool:
    """Only auto-publishing, active sources schedule; a manual one costs its writers nothing."""
    return source.publishing.mode == "auto" and source.status == "active"


class PublishQueue:
    """The auto-publish queue; with no queue configured (unit and fast tests) it sends nothing."""

    def __init__(self, sqs: Callable[[], Any], queue_url: str) -> None:
        self._sqs = sqs  # resolved on first send: a manual source's writer never builds an SQS client
        self.queue_url = queue_url

    def send(self, message: PublishMessage, delay_seconds: float) -> None:
        if not self.queue_url:
            return
        delay = max(0, min(MAX_PUBLISH_DELAY_SECONDS, int(delay_seconds)))
        self._sqs().send_message(
            QueueUrl=self.queue_url, MessageBody=json.dumps(message.to_json_dict()), DelaySeconds=delay
        )


class AutoPublishTrigger:
    """The staging listener (kb.sources.repository.StagingListener) of auto publishing."""

    def __init__(self, state: PublishStateRepository, queue: PublishQueue, clock: Clock = utcnow) -> None:
        self.state = state
        self.queue = queue
        self.clock = clock

    def staged(self, source: Source) -> None:
        if should_schedule(source):
            self.open(source, source.publishing.delay_seconds)

    def open(self, source: Source, delay_seconds: float) -> bool:
        """Open a window and send its message; False when a live window was already open."""
        now = self.clock()
        token = new_id("win")
        until = to_iso(now + timedelta(seconds=delay_seconds + WINDOW_GRACE_SECONDS))
        due = to_iso(now + timedelta(seconds=delay_seconds))
        if not self.state.open_window(source, token, until, to_iso(now), due):
            return False
        message = PublishMessage(tenant_id=source.tenant_id, source_id=source.id, window=token)
        try:
            self.queue.send(message, delay_seconds)
        except Exception:
            self.state.close_window(source, token)  # so the next change can schedule again
            raise
        count("AutoPublishScheduled")
        return True

    def nudge(self, source: Source) -> None:
        """A window that waited for a build that has just ended: its build starts when it is due,
        not when its busy message next comes back. A duplicate message is harmless (only one
        claims the window; the other finds it gone)."""
        window = source.publish_window
        if window is None:
            return
        due = parse_iso(source.publish_due_at) if source.publish_due_at else self.clock()
        message = PublishMessage(tenant_id=source.tenant_id, source_id=source.id, window=window.owner)
        self.queue.send(message, max(0.0, (due - self.clock()).total_seconds()))

    def resend(self, source: Source, message: PublishMessage, delay_seconds: float) -> None:
        """The same message again later (its source busy, or its build still running)."""
        if message.generation_id is None:
            until = to_iso(self.clock() + timedelta(seconds=delay_seconds + WINDOW_GRACE_SECONDS))
            if not self.state.extend_window(source, message.window, until):
                return  # closed meanwhile (switched to manual, archived): nothing to do any more
        self.queue.send(message, delay_seconds)
