"""Every API operation once: its method, path, body and how its answer is read.

Both clients send these; a client method is one line that sends an Op, so the sync and async
surfaces cannot disagree about a path or a body.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel

from . import models as m

Body = Mapping[str, Any] | BaseModel


@dataclass(frozen=True)
class Op[T]:
    method: str
    path: str
    parse: Callable[[Any], T]
    json: Any = None
    params: Mapping[str, Any] | None = None
    files: Any = None
    data: Mapping[str, Any] | None = None
    idempotency_key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def seg(value: str) -> str:
    """One path segment: ids may hold `?`, `#`, `%` and spaces."""
    return quote(value, safe="")


def body(value: Body | None = None, **fields: Any) -> dict[str, Any]:
    """A JSON body from a model (by alias), a mapping, and/or keyword fields (None ones left out)."""
    out: dict[str, Any] = {}
    if isinstance(value, BaseModel):
        out.update(value.model_dump(mode="json", by_alias=True, exclude_unset=True))
    elif value is not None:
        out.update({_camel(k): v for k, v in value.items()})
    out.update({_camel(k): v for k, v in fields.items() if v is not None})
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def items_body(items: Iterable[Body]) -> list[dict[str, Any]]:
    return [body(item) for item in items]


def params(**values: Any) -> dict[str, Any]:
    return {_camel(k): v for k, v in values.items() if v is not None}


def parse[M: BaseModel](model: type[M]) -> Callable[[Any], M]:
    return model.model_validate


def pick[M: BaseModel](model: type[M], attribute: str) -> Callable[[Any], Any]:
    """Read the envelope model, answer what it wraps (`{"source": {...}}` -> Source)."""
    return lambda data: getattr(model.model_validate(data), attribute)


def nothing(_: Any) -> None:
    return None


# Sources
def create_source(name: str, fields: Mapping[str, Any], key: str | None) -> Op[m.Source]:
    return Op("POST", "/v1/sources", pick(m.SourceEnvelope, "source"), body(fields, name=name), idempotency_key=key)


def get_source(source_id: str) -> Op[m.Source]:
    return Op("GET", f"/v1/sources/{seg(source_id)}", pick(m.SourceEnvelope, "source"))


def list_sources(limit: int | None, cursor: str | None) -> Op[m.SourcePage]:
    return Op("GET", "/v1/sources", parse(m.SourcePage), params=params(limit=limit, cursor=cursor))


def update_source(source_id: str, fields: Mapping[str, Any], key: str | None) -> Op[m.Source]:
    path = f"/v1/sources/{seg(source_id)}"
    return Op("PATCH", path, pick(m.SourceEnvelope, "source"), body(fields), idempotency_key=key)


def archive_source(source_id: str, key: str | None) -> Op[m.Source]:
    return Op("DELETE", f"/v1/sources/{seg(source_id)}", pick(m.SourceEnvelope, "source"), idempotency_key=key)


# Items
def _items(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/items"


def upsert_item(source_id: str, item: Body, key: str | None) -> Op[m.ItemUpsertResult]:
    return Op("POST", _items(source_id), parse(m.ItemUpsertResult), body(item), idempotency_key=key)


def batch_items(source_id: str, items: Iterable[Body], deletes: Iterable[str], key: str | None) -> Op[m.BatchResult]:
    payload: dict[str, Any] = {"items": items_body(items)}
    if deletes := list(deletes):
        payload["deletes"] = deletes
    return Op("POST", f"{_items(source_id)}/batch", parse(m.BatchResult), payload, idempotency_key=key)


def get_item(source_id: str, external_item_id: str) -> Op[m.ItemEnvelope]:
    return Op("GET", f"{_items(source_id)}/{seg(external_item_id)}", parse(m.ItemEnvelope))


def get_published_item(source_id: str, external_item_id: str) -> Op[m.PublishedItem]:
    path = f"{_items(source_id)}/{seg(external_item_id)}/published"
    return Op("GET", path, pick(m.PublishedItemEnvelope, "published"))


def delete_item(source_id: str, external_item_id: str, key: str | None) -> Op[Any]:
    return Op("DELETE", f"{_items(source_id)}/{seg(external_item_id)}", lambda data: data, idempotency_key=key)


def list_items(source_id: str, limit: int | None, cursor: str | None, filters: Mapping[str, Any]) -> Op[m.ItemPage]:
    return Op("GET", _items(source_id), parse(m.ItemPage), params=params(limit=limit, cursor=cursor, **filters))


# Snapshots
def _snapshots(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/snapshots"


def begin_snapshot(source_id: str, key: str | None) -> Op[m.Snapshot]:
    return Op("POST", _snapshots(source_id), pick(m.SnapshotEnvelope, "snapshot"), idempotency_key=key)


def snapshot_page(source_id: str, snapshot_id: str, items: Iterable[Body], key: str | None) -> Op[m.SnapshotPageResult]:
    path = f"{_snapshots(source_id)}/{seg(snapshot_id)}/items"
    return Op("POST", path, parse(m.SnapshotPageResult), {"items": items_body(items)}, idempotency_key=key)


def commit_snapshot(source_id: str, snapshot_id: str, allow_mass_deletion: bool, key: str | None) -> Op[m.Snapshot]:
    path = f"{_snapshots(source_id)}/{seg(snapshot_id)}/commit"
    payload = {"allowMassDeletion": True} if allow_mass_deletion else None
    return Op("POST", path, pick(m.SnapshotEnvelope, "snapshot"), payload, idempotency_key=key)


def abort_snapshot(source_id: str, snapshot_id: str, key: str | None) -> Op[m.Snapshot]:
    path = f"{_snapshots(source_id)}/{seg(snapshot_id)}/abort"
    return Op("POST", path, pick(m.SnapshotEnvelope, "snapshot"), idempotency_key=key)


# Runs and generations
def _runs(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/runs"


def create_run(source_id: str, key: str | None) -> Op[m.Run]:
    return Op("POST", _runs(source_id), pick(m.RunEnvelope, "run"), idempotency_key=key)


def get_run(source_id: str, run_id: str) -> Op[m.Run]:
    return Op("GET", f"{_runs(source_id)}/{seg(run_id)}", pick(m.RunEnvelope, "run"))


def list_runs(source_id: str, limit: int | None, cursor: str | None) -> Op[m.RunPage]:
    return Op("GET", _runs(source_id), parse(m.RunPage), params=params(limit=limit, cursor=cursor))


def run_changes(source_id: str, run_id: str, limit: int | None, cursor: str | None) -> Op[m.ChangePage]:
    path = f"{_runs(source_id)}/{seg(run_id)}/changes"
    return Op("GET", path, parse(m.ChangePage), params=params(limit=limit, cursor=cursor))


def apply_run(source_id: str, run_id: str, key: str | None, gate: Body | None = None) -> Op[m.ApplyResult]:
    payload = {"gate": body(gate)} if gate is not None else None
    return Op("POST", f"{_runs(source_id)}/{seg(run_id)}/apply", parse(m.ApplyResult), payload, idempotency_key=key)


def _generations(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/generations"


def get_generation(source_id: str, generation_id: str) -> Op[m.GenerationView]:
    path = f"{_generations(source_id)}/{seg(generation_id)}"
    return Op("GET", path, pick(m.GenerationEnvelope, "generation"))


def list_generations(source_id: str, limit: int | None, cursor: str | None) -> Op[m.GenerationPage]:
    return Op("GET", _generations(source_id), parse(m.GenerationPage), params=params(limit=limit, cursor=cursor))


def rollback(source_id: str, generation_id: str, key: str | None) -> Op[m.RollbackResult]:
    path = f"{_generations(source_id)}/{seg(generation_id)}/rollback"
    return Op("POST", path, parse(m.RollbackResult), idempotency_key=key)


def publish_held(source_id: str, generation_id: str, key: str | None) -> Op[m.HeldDecision]:
    path = f"{_generations(source_id)}/{seg(generation_id)}/publish"
    return Op("POST", path, parse(m.HeldDecision), idempotency_key=key)


def discard_held(source_id: str, generation_id: str, key: str | None) -> Op[m.HeldDecision]:
    path = f"{_generations(source_id)}/{seg(generation_id)}/discard"
    return Op("POST", path, parse(m.HeldDecision), idempotency_key=key)


def evaluation_report(source_id: str, generation_id: str) -> Op[m.EvaluationReport]:
    path = f"{_generations(source_id)}/{seg(generation_id)}/evaluation"
    return Op("GET", path, pick(m.EvaluationEnvelope, "evaluation"))


# Evaluation sets
def _queries(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/evaluation/queries"


def put_evaluation_query(source_id: str, query_id: str, fields: Mapping[str, Any]) -> Op[m.EvaluationQuery]:
    # A PUT of the same body is idempotent by itself: no Idempotency-Key needed.
    path = f"{_queries(source_id)}/{seg(query_id)}"
    return Op("PUT", path, pick(m.EvaluationQueryEnvelope, "query"), body(fields))


def get_evaluation_query(source_id: str, query_id: str) -> Op[m.EvaluationQuery]:
    return Op("GET", f"{_queries(source_id)}/{seg(query_id)}", pick(m.EvaluationQueryEnvelope, "query"))


def list_evaluation_queries(source_id: str, limit: int | None, cursor: str | None) -> Op[m.EvaluationQueryPage]:
    return Op("GET", _queries(source_id), parse(m.EvaluationQueryPage), params=params(limit=limit, cursor=cursor))


def delete_evaluation_query(source_id: str, query_id: str) -> Op[m.EvaluationQuery]:
    return Op("DELETE", f"{_queries(source_id)}/{seg(query_id)}", pick(m.EvaluationQueryEnvelope, "query"))


# Training
def start_training(fields: Mapping[str, Any], key: str | None) -> Op[m.TrainingJob]:
    return Op("POST", "/v1/train", pick(m.TrainingJobEnvelope, "job"), body(fields), idempotency_key=key)


def training_status(job_id: str | None) -> Op[m.TrainingJob]:
    return Op("GET", "/v1/train/status", pick(m.TrainingJobEnvelope, "job"), params=params(job_id=job_id))


def training_jobs(limit: int | None, cursor: str | None) -> Op[m.TrainingJobPage]:
    return Op("GET", "/v1/train/jobs", parse(m.TrainingJobPage), params=params(limit=limit, cursor=cursor))


def cancel_training(job_id: str | None, key: str | None) -> Op[m.TrainingJob]:
    return Op("POST", "/v1/train/cancel", pick(m.TrainingJobEnvelope, "job"), body(job_id=job_id), idempotency_key=key)


# Files
def _files(source_id: str) -> str:
    return f"/v1/sources/{seg(source_id)}/files"


def upload_file(
    source_id: str, filename: str, content: bytes, content_type: str, fields: Mapping[str, str], key: str | None
) -> Op[m.FileRecord]:
    files = {"file": (filename, content, content_type)}
    return Op("POST", _files(source_id), pick(m.FileEnvelope, "file"), files=files, data=fields, idempotency_key=key)


def create_upload(source_id: str, fields: Mapping[str, Any], key: str | None) -> Op[m.UploadTicket]:
    return Op("POST", f"{_files(source_id)}/uploads", parse(m.UploadTicket), body(fields), idempotency_key=key)


def get_file(source_id: str, file_id: str) -> Op[m.FileRecord]:
    return Op("GET", f"{_files(source_id)}/{seg(file_id)}", pick(m.FileEnvelope, "file"))


def list_files(source_id: str, limit: int | None, cursor: str | None) -> Op[m.FilePage]:
    return Op("GET", _files(source_id), parse(m.FilePage), params=params(limit=limit, cursor=cursor))


# Keys
def create_key(name: str, scope: str, fields: Mapping[str, Any], key: str | None) -> Op[m.CreatedKey]:
    payload = body(fields, name=name, scope=scope)
    return Op("POST", "/v1/admin/keys", parse(m.CreatedKey), payload, idempotency_key=key)


def list_keys(limit: int | None, cursor: str | None) -> Op[m.KeyPage]:
    return Op("GET", "/v1/admin/keys", parse(m.KeyPage), params=params(limit=limit, cursor=cursor))


def get_key(key_id: str) -> Op[m.ApiKey]:
    return Op("GET", f"/v1/admin/keys/{seg(key_id)}", pick(m.KeyEnvelope, "key"))


def rotate_key(key_id: str, overlap_seconds: int | None, key: str | None) -> Op[m.CreatedKey]:
    payload = body(overlap_seconds=overlap_seconds)
    return Op("POST", f"/v1/admin/keys/{seg(key_id)}/rotate", parse(m.CreatedKey), payload, idempotency_key=key)


def revoke_key(key_id: str, key: str | None) -> Op[m.ApiKey]:
    return Op("DELETE", f"/v1/admin/keys/{seg(key_id)}", pick(m.KeyEnvelope, "key"), idempotency_key=key)


# Webhooks
def create_webhook(url: str, events: list[str], fields: Mapping[str, Any], key: str | None) -> Op[m.CreatedWebhook]:
    payload = body(fields, url=url, events=events)
    return Op("POST", "/v1/webhooks", parse(m.CreatedWebhook), payload, idempotency_key=key)


def list_webhooks(limit: int | None, cursor: str | None) -> Op[m.WebhookPage]:
    return Op("GET", "/v1/webhooks", parse(m.WebhookPage), params=params(limit=limit, cursor=cursor))


def get_webhook(webhook_id: str) -> Op[m.Webhook]:
    return Op("GET", f"/v1/webhooks/{seg(webhook_id)}", pick(m.WebhookEnvelope, "webhook"))


def update_webhook(webhook_id: str, fields: Mapping[str, Any], key: str | None) -> Op[m.Webhook]:
    path = f"/v1/webhooks/{seg(webhook_id)}"
    return Op("PATCH", path, pick(m.WebhookEnvelope, "webhook"), body(fields), idempotency_key=key)


def delete_webhook(webhook_id: str, key: str | None) -> Op[Any]:
    return Op("DELETE", f"/v1/webhooks/{seg(webhook_id)}", lambda data: data, idempotency_key=key)


def rotate_webhook_secret(webhook_id: str, key: str | None) -> Op[m.CreatedWebhook]:
    path = f"/v1/webhooks/{seg(webhook_id)}/rotate-secret"
    return Op("POST", path, parse(m.CreatedWebhook), idempotency_key=key)


def test_webhook(webhook_id: str, key: str | None) -> Op[Any]:
    return Op("POST", f"/v1/webhooks/{seg(webhook_id)}/test", lambda data: data, idempotency_key=key)


def list_deliveries(webhook_id: str, status: str | None, limit: int | None, cursor: str | None) -> Op[m.DeliveryPage]:
    path = f"/v1/webhooks/{seg(webhook_id)}/deliveries"
    return Op("GET", path, parse(m.DeliveryPage), params=params(status=status, limit=limit, cursor=cursor))


def redeliver(webhook_id: str, delivery_id: str, key: str | None) -> Op[Any]:
    path = f"/v1/webhooks/{seg(webhook_id)}/deliveries/{seg(delivery_id)}/redeliver"
    return Op("POST", path, lambda data: data, idempotency_key=key)


# Serving
def search(query: str, fields: Mapping[str, Any]) -> Op[m.SearchResponse]:
    return Op("POST", "/v1/search", parse(m.SearchResponse), body(fields, query=query))


def explain(query: str, source_id: str, external_item_id: str, fields: Mapping[str, Any]) -> Op[m.Explanation]:
    payload = body(fields, query=query, source_id=source_id, external_item_id=external_item_id)
    return Op("POST", "/v1/search/explain", parse(m.Explanation), payload)


def query(question: str, fields: Mapping[str, Any]) -> Op[m.Answer]:
    return Op("POST", "/v1/query", parse(m.Answer), body(fields, query=question))


def create_chat(message: str, fields: Mapping[str, Any]) -> Op[m.ChatTurnResult]:
    return Op("POST", "/v1/chats", parse(m.ChatTurnResult), body(fields, message=message))


def chat_message(chat_id: str, message: str) -> Op[m.ChatTurnResult]:
    return Op("POST", f"/v1/chats/{seg(chat_id)}/messages", parse(m.ChatTurnResult), {"message": message})


def chat_history(chat_id: str, limit: int | None, cursor: str | None) -> Op[m.ChatHistory]:
    path = f"/v1/chats/{seg(chat_id)}/history"
    return Op("GET", path, parse(m.ChatHistory), params=params(limit=limit, cursor=cursor))


def health() -> Op[m.Health]:
    return Op("GET", "/health", parse(m.Health))


def chat_message_stream(chat_id: str, message: str) -> Op[Any]:
    path = f"/v1/chats/{seg(chat_id)}/messages"
    return Op("POST", path, lambda data: data, {"message": message, "stream": True})


# Analytics (admin scope) and feedback (read scope)
When = datetime | str | None
QueryFormat = Literal["jsonl", "csv"]


def _when(value: When) -> str | None:
    """A report's bound: a datetime as ISO 8601 (the API reads one without an offset as UTC)."""
    return value.isoformat() if isinstance(value, datetime) else value


def usage(from_: When, to: When, granularity: str | None, group_by: str | None) -> Op[m.UsageReport]:
    query = params(from_=_when(from_), to=_when(to), granularity=granularity, group_by=group_by)
    return Op("GET", "/v1/analytics/usage", parse(m.UsageReport), params=query)


def performance(from_: When, to: When, key_id: str | None) -> Op[m.PerformanceReport]:
    query = params(from_=_when(from_), to=_when(to), key_id=key_id)
    return Op("GET", "/v1/analytics/performance", parse(m.PerformanceReport), params=query)


def _log_params(filters: Mapping[str, Any], limit: int | None, cursor: str | None) -> dict[str, Any]:
    """`from_`, `to`, `kind`, `zero_results` as the API's query parameters."""
    values = {k: _when(v) if k in ("from_", "to") else v for k, v in filters.items()}
    return params(limit=limit, cursor=cursor, **values)


def query_log(filters: Mapping[str, Any], limit: int | None, cursor: str | None) -> Op[m.QueryLogPage]:
    return Op("GET", "/v1/analytics/queries", parse(m.QueryLogPage), params=_log_params(filters, limit, cursor))


def export_queries(output: QueryFormat, filters: Mapping[str, Any], limit: int | None, cursor: str | None) -> Op[Any]:
    """One page of an export; its body is streamed, the next page's cursor is in X-Next-Cursor."""
    query = {**_log_params(filters, limit, cursor), "format": output}
    return Op("GET", "/v1/analytics/queries", nothing, params=query)


def analytics_settings() -> Op[m.AnalyticsSettings]:
    return Op("GET", "/v1/analytics/settings", pick(m.AnalyticsSettingsEnvelope, "settings"))


def update_analytics_settings(fields: Mapping[str, Any], key: str | None) -> Op[m.AnalyticsSettings]:
    path = "/v1/analytics/settings"
    return Op("PATCH", path, pick(m.AnalyticsSettingsEnvelope, "settings"), body(fields), idempotency_key=key)


def feedback(
    rating: str,
    query_id: str | None,
    chat_id: str | None,
    message_id: str | None,
    comment: str | None,
    key: str | None,
) -> Op[m.Feedback]:
    """Exactly one target, as the API requires: a query's answer, or a chat's (chat and message)."""
    if (query_id is None) == (chat_id is None and message_id is None):
        raise ValueError("feedback rates one answer: give either query_id, or chat_id and message_id")
    if (chat_id is None) != (message_id is None):
        raise ValueError("feedback on a chat's answer needs both chat_id and message_id")
    payload = body(query_id=query_id, chat_id=chat_id, message_id=message_id, rating=rating, comment=comment)
    return Op("POST", "/v1/feedback", pick(m.FeedbackEnvelope, "feedback"), payload, idempotency_key=key)
