"""An evaluation set (queries with the items that should come back) and the report of a candidate
generation evaluated against the one serving."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from kb.evaluation.gate import EvaluationGate
from kb.items.models import EXTERNAL_ID_PATTERN, MAX_ID_CHARS
from kb.models import ApiModel, JsonInt, NoNullsRequest, RecordModel
from kb.search.models import QueryLanguage

MAX_QUERIES = 200  # per source: each apply with a gate runs every query against two generations
MAX_QUERY_CHARS = 1000
MAX_RELEVANT_ITEMS = 50
QUERY_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"

RelevantId = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS, pattern=EXTERNAL_ID_PATTERN)]


class EvaluationGateRequest(EvaluationGate):
    """A gate as a request body gives it: JSON types as declared (no "10" or true for k)."""

    model_config = ConfigDict(strict=True)

    k: JsonInt = Field(default=10, ge=1, le=100)


class EvaluationQueryRequest(NoNullsRequest):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="The search text")
    relevant_item_ids: list[RelevantId] = Field(
        min_length=1,
        max_length=MAX_RELEVANT_ITEMS,
        description="externalItemIds that should come back for the query (all equally relevant)",
        json_schema_extra={"uniqueItems": True},
    )
    language: QueryLanguage = None

    @field_validator("relevant_item_ids")
    @classmethod
    def _distinct_ids(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("relevantItemIds must not repeat an id")
        return ids


class EvaluationQuery(RecordModel):
    id: str
    source_id: str
    query: str
    relevant_item_ids: list[str]
    language: str | None = None
    created_at: str
    updated_at: str


class EvaluationQueryEnvelope(ApiModel):
    query: EvaluationQuery


class EvaluationQueryPage(ApiModel):
    queries: list[EvaluationQuery]
    next_cursor: str | None = None


class QueryComparison(ApiModel):
    """One query that got worse: its metric on the serving generation and on the candidate."""

    query_id: str
    query: str
    before: float
    after: float


class EvaluationReport(RecordModel):
    """held: the candidate regressed by more than the gate allows and waits for publish or
    discard; passed: it was published; skipped: nothing to compare (no evaluation set, or no
    generation serving yet) and it was published."""

    generation_id: str
    source_id: str
    baseline_generation_id: str | None
    gate: EvaluationGate
    outcome: Literal["passed", "held", "skipped"]
    reason: Literal["no_evaluation_set", "no_baseline"] | None = None
    mode: str | None = None  # the search mode both generations were queried with
    query_count: int
    before: float | None = None  # the mean metric over the set on the serving generation
    after: float | None = None  # ... and on the candidate
    regressed: list[QueryComparison] = Field(default_factory=list)  # worst first
    improved_count: int = 0
    evaluated_at: str


class EvaluationEnvelope(ApiModel):
    evaluation: EvaluationReport


class HeldDecision(ApiModel):
    """The answer to publishing or discarding a held generation."""

    status: Literal["published", "discarded"]
    generation_id: str
    previous_generation_id: str | None = None
