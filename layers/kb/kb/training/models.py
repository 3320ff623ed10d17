"""Training jobs: a tenant's sources applied (run + apply) or rebuilt one after another by the
train state machine, one job per tenant at a time (docs/training.md)."""

from typing import Literal

from pydantic import Field

from kb.evaluation.gate import EvaluationGate
from kb.generations.models import ApplyTask
from kb.models import ApiModel, NoNullsRequest, RecordModel

TrainMode = Literal["apply", "rebuild"]
# queued until the state machine picks the job up; cancelling from a cancel until the machine
# reaches its next safe point (between a build and its publish, or between sources).
TrainStatus = Literal["queued", "running", "cancelling", "completed", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
# held: an evaluation gate kept the source's candidate generation unpublished (docs/training.md).
SourceOutcome = Literal["pending", "running", "published", "unchanged", "held", "failed", "cancelled"]


class TrainRequest(NoNullsRequest):
    source_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=100, description="The sources to train; default: every active one"
    )
    mode: TrainMode = Field(
        default="apply",
        description="apply: each source's pending changes (run + apply); rebuild: re-chunk, re-embed and "
        "re-index every item with the source's current settings",
    )
    gate: EvaluationGate | None = Field(default=None, description="Passed to every source's apply")


class CancelTrainingRequest(NoNullsRequest):
    job_id: str | None = Field(default=None, description="The job to cancel; default: the latest")


class TrainSource(ApiModel):
    """One source of a job: its run and generation once started, counted progress, the outcome."""

    source_id: str
    status: SourceOutcome = "pending"
    run_id: str | None = None
    generation_id: str | None = None
    items_done: int = 0
    items_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0
    error_code: str | None = None
    error: str | None = None


class TrainProgress(ApiModel):
    """Done of total. Items and chunks count what the job builds: a source's items join the total
    when its run has planned them, its chunks as its items are cut (chunks are known only then)."""

    sources_done: int = 0
    sources_total: int = 0
    items_done: int = 0
    items_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0


class TrainingJob(RecordModel):
    id: str
    tenant_id: str
    mode: TrainMode
    status: TrainStatus
    gate: EvaluationGate | None = None
    sources: list[TrainSource]
    progress: TrainProgress
    created_at: str
    started_at: str | None = None
    completed_at: str | None = None
    cancel_requested_at: str | None = None


class TrainingJobEnvelope(ApiModel):
    job: TrainingJob


class TrainingJobPage(ApiModel):
    jobs: list[TrainingJob]
    next_cursor: str | None = None


class TrainTask(ApiModel):
    """The train state machine's input."""

    tenant_id: str
    job_id: str


class StepTask(TrainTask):
    """A step of the train state machine (one function, the step named by `op`)."""

    op: Literal["next", "check", "settle", "finish"]
    outcome: Literal["published", "failed", "cancelled"] | None = None
    task: ApplyTask | None = None
    failure: dict[str, str] | None = None  # a Catch's {"Error", "Cause"}


class NextStep(ApiModel):
    """build: the source of `task` holds its lease, its generation is queued; finish: nothing left."""

    action: Literal["build", "finish"]
    task: ApplyTask | None = None
