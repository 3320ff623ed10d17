"""The gate between build and publish: retrieve every query of the source's evaluation set
against the generation serving and against the candidate, compare the gate's metric, and hold a
candidate that regressed by more than allowed. Then: the report, and publishing or discarding a
held generation."""

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from kb.blobs import BlobStore
from kb.errors import ApplyInProgress, LeaseLost, NotFound
from kb.evaluation.errors import EvaluationStale, GenerationNotHeld, NotEvaluated
from kb.evaluation.gate import EvaluationGate
from kb.evaluation.metrics import mean, metric_at_k
from kb.evaluation.models import EvaluationQuery, EvaluationReport, HeldDecision, QueryComparison
from kb.evaluation.repository import ConditionFailed, EvaluationRepository
from kb.generations.models import BuildResult, Generation
from kb.generations.repository import GenerationRepository
from kb.ids import iso_now, to_iso
from kb.observability import count, logger
from kb.search.embeddings import EmbeddingProvider
from kb.search.index import SearchIndex
from kb.search.loader import load_index
from kb.search.models import SearchMode
from kb.search.service import rank, resolve_mode
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.sources.service import require_active
from kb.webhooks.events import EventPublisher, new_event

Verdict = Literal["publish", "held"]
MAX_REPORTED = 200  # regressed queries listed in a report (the set holds at most as many)
_TOLERANCE = 1e-9  # float noise is not a regression


def evaluate_candidate(
    build: BuildResult,
    sources: SourceRepository,
    generations: GenerationRepository,
    repo: EvaluationRepository,
    blobs: BlobStore,
    embedder: EmbeddingProvider | None,
    clock: Callable[[Source], datetime],
    events: EventPublisher,
) -> Verdict:
    """The apply's evaluation step. Records the report; holds the candidate (and frees the
    source's lease) when it regressed by more than the gate allows."""
    gate = build.gate
    if gate is None:
        return "publish"
    source = sources.get(build.tenant_id, build.source_id)
    generation = generations.get(build.source_id, build.generation_id)
    if source is None or generation is None:
        raise NotFound(f"Source {build.source_id} or generation {build.generation_id} is gone.")
    baseline_id = source.current_generation_id
    queries = repo.all_queries(source.id)
    report = EvaluationReport(
        generation_id=generation.id,
        source_id=source.id,
        baseline_generation_id=baseline_id,
        gate=gate,
        outcome="skipped",
        query_count=len(queries),
        evaluated_at=iso_now(),
    )
    if not queries:
        repo.put_report(report.model_copy(update={"reason": "no_evaluation_set"}))
        return "publish"
    candidate = load_index(blobs, source.tenant_id, source.id, generation.id)
    baseline = load_index(blobs, source.tenant_id, source.id, baseline_id) if baseline_id else None
    mode = resolve_mode(None, [i for i in (baseline, candidate) if i is not None], embedder)
    after = _scores(gate, queries, source, candidate, mode, embedder, clock)
    if baseline is None:
        repo.put_report(report.model_copy(update={"reason": "no_baseline", "mode": mode, "after": mean(after)}))
        return "publish"
    before = _scores(gate, queries, source, baseline, mode, embedder, clock)
    worse = sorted(
        (
            QueryComparison(query_id=q.id, query=q.query, before=b, after=a)
            for q, b, a in zip(queries, before, after, strict=True)
            if a < b - _TOLERANCE
        ),
        key=lambda c: c.after - c.before,
    )
    held = mean(before) - mean(after) > gate.max_drop + _TOLERANCE
    report = report.model_copy(
        update={
            "outcome": "held" if held else "passed",
            "mode": mode,
            "before": mean(before),
            "after": mean(after),
            "regressed": worse[:MAX_REPORTED],
            "improved_count": sum(1 for b, a in zip(before, after, strict=True) if a > b + _TOLERANCE),
        }
    )
    repo.put_report(report)
    if not held:
        return "publish"
    try:
        repo.hold(source, generation, build.manifest)
    except ConditionFailed as error:
        again = generations.get(source.id, generation.id)
        if again is not None and again.status == "held":
            return "held"  # a retried invocation whose first attempt held it (and announced it)
        raise LeaseLost("This apply's lease expired and another apply took the source; start a new run.") from error
    count("GenerationsHeld")
    _announce_held(events, report, generation)
    return "held"


def _scores(
    gate: EvaluationGate,
    queries: list[EvaluationQuery],
    source: Source,
    index: SearchIndex,
    mode: SearchMode,
    embedder: EmbeddingProvider | None,
    clock: Callable[[Source], datetime],
) -> list[float]:
    """The gate's metric of each query, retrieving grouped by item as search does by default."""
    scores = []
    for query in queries:
        hits = rank(query.query, mode, [(source, index)], embedder, None, clock, gate.k, query.language, group=True)
        ranked = [hit.item.external_item_id for hit in hits]
        scores.append(metric_at_k(gate.metric, ranked, set(query.relevant_item_ids), gate.k))
    return scores


def _announce_held(events: EventPublisher, report: EvaluationReport, generation: Generation) -> None:
    data = {
        "sourceId": report.source_id,
        "generationId": report.generation_id,
        "runId": generation.run_id,
        "baselineGenerationId": report.baseline_generation_id,
        "metric": report.gate.metric,
        "k": report.gate.k,
        "before": report.before,
        "after": report.after,
        "regressedCount": len(report.regressed),
    }
    try:
        events.publish(generation.tenant_id, [new_event("generation.held", data)])
    except (BotoCoreError, ClientError):
        # Held is held: the report shows it whether or not the announcement could be queued.
        logger.exception("announcing a held generation failed", extra={"generation_id": generation.id})
        count("AnnouncementsFailed")


def get_report(
    repo: EvaluationRepository, generations: GenerationRepository, source: Source, generation_id: str
) -> EvaluationReport:
    generation = generations.get(source.id, generation_id)
    if generation is None or generation.tenant_id != source.tenant_id:
        raise NotFound(f"Generation {generation_id} was not found.")
    report = repo.get_report(source.id, generation_id)
    if report is None:
        raise NotEvaluated(f"Generation {generation_id} was not evaluated (it was applied without a gate).")
    return report


def _held(generations: GenerationRepository, source: Source, generation_id: str) -> Generation:
    generation = generations.get(source.id, generation_id)
    if generation is None or generation.tenant_id != source.tenant_id:
        raise NotFound(f"Generation {generation_id} was not found.")
    return generation


def publish_held(
    repo: EvaluationRepository,
    generations: GenerationRepository,
    sources: SourceRepository,
    source: Source,
    generation_id: str,
    now: datetime,
    events: EventPublisher,
) -> HeldDecision:
    """Publish a held generation on its owner's word: one conditional write, only while the
    source still serves the generation it was evaluated against."""
    require_active(source)
    generation = _held(generations, source, generation_id)
    if generation.status == "succeeded" and source.current_generation_id == generation.id:
        return HeldDecision(status="published", generation_id=generation.id)  # a repeat: already done
    if generation.status != "held":
        raise GenerationNotHeld(f"Generation {generation.id} is {generation.status}: only a held one can be published.")
    report = repo.get_report(source.id, generation.id)
    baseline = report.baseline_generation_id if report else generation.base_generation_id
    if baseline is None or source.current_generation_id != baseline:
        raise _stale(generation, baseline, source)
    try:
        repo.publish_held(source, generation, baseline, to_iso(now))
    except ConditionFailed:
        fresh = require_active(sources.get(source.tenant_id, source.id) or source)
        now_generation = _held(generations, source, generation_id)
        if now_generation.status == "succeeded" and fresh.current_generation_id == generation.id:
            return HeldDecision(status="published", generation_id=generation.id)  # a racing publish won
        if now_generation.status != "held":
            raise GenerationNotHeld(
                f"Generation {generation.id} is {now_generation.status}: only a held one can be published."
            ) from None
        if fresh.current_generation_id != baseline:
            raise _stale(generation, baseline, fresh) from None
        raise ApplyInProgress(f"An apply of source {source.id} is in progress; retry shortly.") from None
    count("GenerationsPublished")
    data = {"sourceId": source.id, "generationId": generation.id, "runId": generation.run_id}
    try:
        events.publish(
            source.tenant_id, [new_event("generation.published", {**data, "counts": generation.counts.to_json_dict()})]
        )
    except (BotoCoreError, ClientError):
        # Published is published: the answer must not say otherwise because the event was not queued.
        logger.exception("announcing a published held generation failed", extra={"generation_id": generation.id})
        count("AnnouncementsFailed")
    return HeldDecision(status="published", generation_id=generation.id, previous_generation_id=baseline)


def _stale(generation: Generation, baseline: str | None, source: Source) -> EvaluationStale:
    return EvaluationStale(
        f"Generation {generation.id} was evaluated against {baseline}, but the source now serves "
        f"{source.current_generation_id}; discard it and apply again."
    )


def discard_held(
    repo: EvaluationRepository, generations: GenerationRepository, source: Source, generation_id: str, now: datetime
) -> HeldDecision:
    generation = _held(generations, source, generation_id)
    if generation.status == "discarded":
        return HeldDecision(status="discarded", generation_id=generation.id)  # a repeat: already done
    if generation.status != "held":
        raise GenerationNotHeld(f"Generation {generation.id} is {generation.status}: only a held one can be discarded.")
    try:
        repo.discard(source, generation, to_iso(now))
    except ConditionFailed:
        status = _held(generations, source, generation_id).status
        if status == "discarded":
            return HeldDecision(status="discarded", generation_id=generation.id)
        raise GenerationNotHeld(f"Generation {generation.id} is {status}: only a held one can be discarded.") from None
    return HeldDecision(status="discarded", generation_id=generation.id)
