"""The synchronous client: `Client(api_key, base_url)`; resources as attributes (`client.sources`,
`client.items`, ...), serving at the top (`search`, `query`, `stream_query`), lifecycle helpers
(`sync`, `publish`). AsyncClient (async_client.py) mirrors it method for method."""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import httpx
from httpx_sse import EventSource

from . import _ops as ops
from . import models as m
from ._http import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    json_or_none,
    raise_for_error,
    should_retry,
)
from ._lifecycle import (
    GENERATION_TERMINAL,
    MAX_BATCH,
    TERMINAL,
    TRAINING_TERMINAL,
    Published,
    SyncMode,
    SyncReport,
    batches,
    poll_delays,
)
from ._ops import Body, Op
from ._transport import Stream, Transport
from .analytics import Analytics
from .errors import WaitTimeoutError, WorkFailedError
from .files import MULTIPART_LIMIT, upload_fields
from .streaming import AnswerEvent, events

__all__ = ["Client"]


class Client(Transport):
    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        stream_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        wait_timeout: float = 600.0,
        http_client: httpx.Client | None = None,
    ) -> None:
        """`api_key`/`base_url` default to KB_API_KEY/KB_API_URL. `stream_url` (else KB_STREAM_URL):
        where streamed answers go, the stack's StreamUrl (locally the gateway's port + 1, no `/api`);
        without it they go to `base_url`, which sends the same events in one body at the end.
        `wait_timeout`: how long the waiting helpers (runs, applies, files) poll before WaitTimeoutError."""
        super().__init__(api_key, base_url, stream_url, retry, wait_timeout)
        self._http: httpx.Client = http_client or httpx.Client(timeout=timeout)
        self.sources = Sources(self)
        self.items = Items(self)
        self.snapshots = Snapshots(self)
        self.runs = Runs(self)
        self.generations = Generations(self)
        self.files = Files(self)
        self.keys = Keys(self)
        self.webhooks = Webhooks(self)
        self.chats = Chats(self)
        self.evaluation = Evaluation(self)
        self.training = Training(self)
        self.analytics = Analytics(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # The transport
    def _send(self, op: Op[Any], stream: Stream = None) -> httpx.Response:
        """The answer, once it is not one to retry or the retries are spent (then it raises)."""
        request = self._build(op, stream == "events")  # built once: every retry carries the same Idempotency-Key
        for attempt in range(self.retry.max_retries + 1):
            last = attempt == self.retry.max_retries
            try:
                response = self._http.send(request, stream=stream is not None)
            except httpx.TransportError:
                if last:
                    raise
                time.sleep(self.retry.wait_for(attempt, None))
                continue
            if last or not should_retry(response):
                break
            response.read()
            response.close()
            time.sleep(self.retry.wait_for(attempt, response))
        if response.status_code >= 400:
            response.read()
            response.close()
            raise_for_error(response)
        return response

    def send[T](self, op: Op[T]) -> T:
        """Send one operation (see kb_client._ops) and read its answer."""
        return op.parse(json_or_none(self._send(op)))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any endpoint, with the same retries, idempotency and errors: JSON answer or None."""
        return self.send(Op(method, path, lambda data: data, **kwargs))

    def pages[P](self, page: Callable[[str | None], Op[P]]) -> Iterator[P]:
        """Every page of a listing, following nextCursor until it is null."""
        cursor: str | None = None
        while True:
            current = self.send(page(cursor))
            yield current
            cursor = getattr(current, "next_cursor", None)
            if cursor is None:
                return

    @contextmanager
    def _events(self, op: Op[Any]) -> Iterator[Iterator[AnswerEvent]]:
        response = self._send(op, stream="events")
        try:
            yield events(EventSource(response).iter_sse(), response.status_code)
        finally:
            response.close()

    def _poll[T](self, fetch: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
        deadline = time.monotonic() + self.wait_timeout
        for delay in poll_delays():
            current = fetch()
            if done(current):
                return current
            if time.monotonic() + delay > deadline:
                raise WaitTimeoutError(f"{what} did not finish within {self.wait_timeout:.0f} s")
            time.sleep(delay)
        raise AssertionError("unreachable")

    # Serving
    def health(self) -> m.Health:
        return self.send(ops.health())

    def search(self, query: str, **fields: Any) -> m.SearchResponse:
        """`mode`, `limit`, `source_ids`, `filters`: see SearchRequest."""
        return self.send(ops.search(query, fields))

    def explain(self, query: str, source_id: str, external_item_id: str, **fields: Any) -> m.Explanation:
        return self.send(ops.explain(query, source_id, external_item_id, fields))

    def query(self, question: str, **fields: Any) -> m.Answer:
        return self.send(ops.query(question, fields))

    def stream_query(self, question: str, **fields: Any) -> Iterator[AnswerEvent]:
        """The answer as it is written: StartEvent, DeltaEvents, CitationEvents, then a DoneEvent
        (a StreamError is raised on an `error` event)."""
        with self._events(ops.query(question, {**fields, "stream": True})) as stream:
            yield from stream

    # Lifecycle helpers
    def sync(
        self,
        source_id: str,
        items: Iterable[Body],
        *,
        mode: SyncMode = "upsert",
        deletes: Iterable[str] = (),
        batch_size: int = MAX_BATCH,
        allow_mass_deletion: bool = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> SyncReport:
        """Stage `items` in batches: as upserts (plus `deletes`), or as a snapshot, after which the
        staging set is exactly `items` and every other item goes missing (a tombstone at the next
        apply). A failing snapshot is aborted. `on_batch(n)` is called after each batch of n."""
        report = SyncReport(mode)
        bodies = (ops.body(item) for item in items)
        if mode == "upsert":
            for batch in batches(bodies, batch_size):
                report.add(self.items.batch(source_id, batch).results)
                if on_batch:
                    on_batch(len(batch))
            doomed = list(deletes)
            for start in range(0, len(doomed), MAX_BATCH):
                report.add(self.items.batch(source_id, [], deletes=doomed[start : start + MAX_BATCH]).results)
            return report
        snapshot = self.snapshots.begin(source_id)
        try:
            for batch in batches(bodies, batch_size):
                report.add(self.snapshots.add(source_id, snapshot.id, batch).results)
                if on_batch:
                    on_batch(len(batch))
            report.snapshot = self.snapshots.commit(source_id, snapshot.id, allow_mass_deletion=allow_mass_deletion)
        except BaseException:
            self.snapshots.abort(source_id, snapshot.id)
            raise
        return report

    def publish(self, source_id: str) -> Published:
        """Run, wait for it, apply it and wait for the build: what the source now serves."""
        run = self.runs.create(source_id, wait=True)
        if run.status == "failed":
            raise WorkFailedError(200, run.error_code or "run_failed", run.error or "the run failed")
        return Published(run, self.runs.apply(source_id, run.id, wait=True))


class _Resource:
    def __init__(self, client: Client) -> None:
        self._c = client


class Sources(_Resource):
    def create(self, name: str, *, idempotency_key: str | None = None, **fields: Any) -> m.Source:
        return self._c.send(ops.create_source(name, ops.body(**fields), idempotency_key))

    def get(self, source_id: str) -> m.Source:
        return self._c.send(ops.get_source(source_id))

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> m.SourcePage:
        return self._c.send(ops.list_sources(limit, cursor))

    def iter(self, *, limit: int | None = None) -> Iterator[m.Source]:
        for page in self._c.pages(lambda cursor: ops.list_sources(limit, cursor)):
            yield from page.sources

    def update(self, source_id: str, *, idempotency_key: str | None = None, **fields: Any) -> m.Source:
        return self._c.send(ops.update_source(source_id, ops.body(**fields), idempotency_key))

    def archive(self, source_id: str, *, idempotency_key: str | None = None) -> m.Source:
        return self._c.send(ops.archive_source(source_id, idempotency_key))


class Items(_Resource):
    def upsert(
        self, source_id: str, item: Body | None = None, *, idempotency_key: str | None = None, **fields: Any
    ) -> m.ItemUpsertResult:
        """An item as a mapping or model, or as fields: `external_item_id=..., content=..., title=...`."""
        return self._c.send(ops.upsert_item(source_id, ops.body(item, **fields), idempotency_key))

    def batch(
        self, source_id: str, items: Iterable[Body], *, deletes: Iterable[str] = (), idempotency_key: str | None = None
    ) -> m.BatchResult:
        return self._c.send(ops.batch_items(source_id, items, deletes, idempotency_key))

    def get(self, source_id: str, external_item_id: str) -> m.ItemEnvelope:
        return self._c.send(ops.get_item(source_id, external_item_id))

    def published(self, source_id: str, external_item_id: str) -> m.PublishedItem:
        """The item as the serving generation publishes it (its text rebuilt from the chunks)."""
        return self._c.send(ops.get_published_item(source_id, external_item_id))

    def delete(self, source_id: str, external_item_id: str, *, idempotency_key: str | None = None) -> Any:
        return self._c.send(ops.delete_item(source_id, external_item_id, idempotency_key))

    def list(
        self, source_id: str, *, limit: int | None = None, cursor: str | None = None, **filters: Any
    ) -> m.ItemPage:
        """Filters: `tag` (a list: every one), `state`, `updated_since`, `q`."""
        return self._c.send(ops.list_items(source_id, limit, cursor, filters))

    def iter(self, source_id: str, *, limit: int | None = None, **filters: Any) -> Iterator[m.ItemSummary]:
        for page in self._c.pages(lambda cursor: ops.list_items(source_id, limit, cursor, filters)):
            yield from page.items


class Snapshots(_Resource):
    def begin(self, source_id: str, *, idempotency_key: str | None = None) -> m.Snapshot:
        return self._c.send(ops.begin_snapshot(source_id, idempotency_key))

    def add(
        self, source_id: str, snapshot_id: str, items: Iterable[Body], *, idempotency_key: str | None = None
    ) -> m.SnapshotPageResult:
        return self._c.send(ops.snapshot_page(source_id, snapshot_id, items, idempotency_key))

    def commit(
        self, source_id: str, snapshot_id: str, *, allow_mass_deletion: bool = False, idempotency_key: str | None = None
    ) -> m.Snapshot:
        return self._c.send(ops.commit_snapshot(source_id, snapshot_id, allow_mass_deletion, idempotency_key))

    def abort(self, source_id: str, snapshot_id: str, *, idempotency_key: str | None = None) -> m.Snapshot:
        return self._c.send(ops.abort_snapshot(source_id, snapshot_id, idempotency_key))


class Runs(_Resource):
    def create(self, source_id: str, *, wait: bool = True, idempotency_key: str | None = None) -> m.Run:
        """A run; with `wait`, a 202 is polled until the run has succeeded or failed."""
        run = self._c.send(ops.create_run(source_id, idempotency_key))
        return self.wait(source_id, run.id) if wait and run.status not in TERMINAL else run

    def get(self, source_id: str, run_id: str) -> m.Run:
        return self._c.send(ops.get_run(source_id, run_id))

    def wait(self, source_id: str, run_id: str) -> m.Run:
        return self._c._poll(lambda: self.get(source_id, run_id), lambda run: run.status in TERMINAL, f"run {run_id}")

    def list(self, source_id: str, *, limit: int | None = None, cursor: str | None = None) -> m.RunPage:
        return self._c.send(ops.list_runs(source_id, limit, cursor))

    def iter(self, source_id: str, *, limit: int | None = None) -> Iterator[m.Run]:
        for page in self._c.pages(lambda cursor: ops.list_runs(source_id, limit, cursor)):
            yield from page.runs

    def changes(self, source_id: str, run_id: str, *, limit: int | None = None) -> Iterator[m.ItemChange]:
        for page in self._c.pages(lambda cursor: ops.run_changes(source_id, run_id, limit, cursor)):
            yield from page.changes

    def apply(
        self,
        source_id: str,
        run_id: str,
        *,
        wait: bool = True,
        gate: Body | None = None,
        idempotency_key: str | None = None,
    ) -> m.ApplyResult:
        """Apply a run. With `wait`, an `applying` answer (202) is followed by polling the generation:
        the result is then `published`, `held` (a `gate`, e.g. {"metric": "ndcg", "k": 10,
        "max_drop": 0.02}, kept it unpublished: see `generations.evaluation`), or WorkFailedError
        carries the generation's errorCode."""
        result = self._c.send(ops.apply_run(source_id, run_id, idempotency_key, gate))
        if not wait or result.status != "applying":
            return result
        generation = self._c.generations.wait(source_id, result.generation_id)
        if generation.status == "failed":
            code = generation.error_code or "build_failed"
            raise WorkFailedError(502, code, generation.error or "the build failed")
        if generation.status == "discarded":  # held, then discarded by someone before this wait saw it
            raise WorkFailedError(409, "generation_discarded", f"generation {generation.id} was held and discarded")
        status = "held" if generation.status == "held" else "published"
        return m.ApplyResult(status=status, generation_id=generation.id, counts=generation.counts)


class Generations(_Resource):
    def get(self, source_id: str, generation_id: str) -> m.GenerationView:
        return self._c.send(ops.get_generation(source_id, generation_id))

    def wait(self, source_id: str, generation_id: str) -> m.GenerationView:
        return self._c._poll(
            lambda: self.get(source_id, generation_id),
            lambda g: g.status in GENERATION_TERMINAL,
            f"generation {generation_id}",
        )

    def list(self, source_id: str, *, limit: int | None = None, cursor: str | None = None) -> m.GenerationPage:
        return self._c.send(ops.list_generations(source_id, limit, cursor))

    def iter(self, source_id: str, *, limit: int | None = None) -> Iterator[m.GenerationView]:
        for page in self._c.pages(lambda cursor: ops.list_generations(source_id, limit, cursor)):
            yield from page.generations

    def rollback(self, source_id: str, generation_id: str, *, idempotency_key: str | None = None) -> m.RollbackResult:
        return self._c.send(ops.rollback(source_id, generation_id, idempotency_key))

    def evaluation(self, source_id: str, generation_id: str) -> m.EvaluationReport:
        """The report of a gated apply's evaluation (NotFoundError `not_evaluated` without a gate)."""
        return self._c.send(ops.evaluation_report(source_id, generation_id))

    def publish(self, source_id: str, generation_id: str, *, idempotency_key: str | None = None) -> m.HeldDecision:
        """Publish a held generation anyway (ConflictError `evaluation_stale` once another serves)."""
        return self._c.send(ops.publish_held(source_id, generation_id, idempotency_key))

    def discard(self, source_id: str, generation_id: str, *, idempotency_key: str | None = None) -> m.HeldDecision:
        return self._c.send(ops.discard_held(source_id, generation_id, idempotency_key))


class Files(_Resource):
    def upload(
        self,
        source_id: str,
        file: Path | str | bytes,
        *,
        filename: str | None = None,
        content_type: str = "application/octet-stream",
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> m.FileRecord:
        """Upload a document (PDF, DOCX, HTML, Markdown, text, ...) that becomes an item: through
        the API up to 4 MiB, through a presigned S3 upload above. Fields: `external_item_id`,
        `title`, `tags`, `metadata`. Processing goes on after this returns: see `wait`."""
        data = file if isinstance(file, bytes) else Path(file).read_bytes()
        name = filename or (Path(file).name if not isinstance(file, bytes) else "file")
        if len(data) <= MULTIPART_LIMIT:
            op = ops.upload_file(source_id, name, data, content_type, upload_fields(fields), idempotency_key)
            return self._c.send(op)
        payload = ops.body(filename=name, size=len(data), content_type=content_type, **fields)
        ticket = self._c.send(ops.create_upload(source_id, payload, idempotency_key))
        # Straight to S3: the form's fields, then the file, and no Authorization header.
        reply = self._c._http.post(ticket.upload.url, data=ticket.upload.fields, files={"file": (name, data)})
        raise_for_error(reply)
        return ticket.file

    def get(self, source_id: str, file_id: str) -> m.FileRecord:
        return self._c.send(ops.get_file(source_id, file_id))

    def wait(self, source_id: str, file_id: str) -> m.FileRecord:
        """Poll until the file is `completed` or `failed`."""
        return self._c._poll(
            lambda: self.get(source_id, file_id), lambda f: f.status in ("completed", "failed"), f"file {file_id}"
        )

    def list(self, source_id: str, *, limit: int | None = None, cursor: str | None = None) -> m.FilePage:
        return self._c.send(ops.list_files(source_id, limit, cursor))

    def iter(self, source_id: str, *, limit: int | None = None) -> Iterator[m.FileRecord]:
        for page in self._c.pages(lambda cursor: ops.list_files(source_id, limit, cursor)):
            yield from page.files


class Keys(_Resource):
    def create(self, name: str, scope: str, *, idempotency_key: str | None = None, **fields: Any) -> m.CreatedKey:
        """`expires_at`, `rate_limit_per_minute`. The secret is in the answer, once."""
        return self._c.send(ops.create_key(name, scope, ops.body(**fields), idempotency_key))

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> m.KeyPage:
        return self._c.send(ops.list_keys(limit, cursor))

    def iter(self, *, limit: int | None = None) -> Iterator[m.ApiKey]:
        for page in self._c.pages(lambda cursor: ops.list_keys(limit, cursor)):
            yield from page.keys

    def get(self, key_id: str) -> m.ApiKey:
        return self._c.send(ops.get_key(key_id))

    def rotate(
        self, key_id: str, *, overlap_seconds: int | None = None, idempotency_key: str | None = None
    ) -> m.CreatedKey:
        return self._c.send(ops.rotate_key(key_id, overlap_seconds, idempotency_key))

    def revoke(self, key_id: str, *, idempotency_key: str | None = None) -> m.ApiKey:
        return self._c.send(ops.revoke_key(key_id, idempotency_key))


class Webhooks(_Resource):
    def create(
        self, url: str, events: list[str], *, idempotency_key: str | None = None, **fields: Any
    ) -> m.CreatedWebhook:
        return self._c.send(ops.create_webhook(url, events, ops.body(**fields), idempotency_key))

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> m.WebhookPage:
        return self._c.send(ops.list_webhooks(limit, cursor))

    def iter(self, *, limit: int | None = None) -> Iterator[m.Webhook]:
        for page in self._c.pages(lambda cursor: ops.list_webhooks(limit, cursor)):
            yield from page.webhooks

    def get(self, webhook_id: str) -> m.Webhook:
        return self._c.send(ops.get_webhook(webhook_id))

    def update(self, webhook_id: str, *, idempotency_key: str | None = None, **fields: Any) -> m.Webhook:
        return self._c.send(ops.update_webhook(webhook_id, ops.body(**fields), idempotency_key))

    def delete(self, webhook_id: str, *, idempotency_key: str | None = None) -> Any:
        return self._c.send(ops.delete_webhook(webhook_id, idempotency_key))

    def rotate_secret(self, webhook_id: str, *, idempotency_key: str | None = None) -> m.CreatedWebhook:
        return self._c.send(ops.rotate_webhook_secret(webhook_id, idempotency_key))

    def test(self, webhook_id: str, *, idempotency_key: str | None = None) -> Any:
        return self._c.send(ops.test_webhook(webhook_id, idempotency_key))

    def deliveries(
        self, webhook_id: str, *, status: str | None = None, limit: int | None = None
    ) -> Iterator[m.Delivery]:
        for page in self._c.pages(lambda cursor: ops.list_deliveries(webhook_id, status, limit, cursor)):
            yield from page.deliveries

    def redeliver(self, webhook_id: str, delivery_id: str, *, idempotency_key: str | None = None) -> Any:
        return self._c.send(ops.redeliver(webhook_id, delivery_id, idempotency_key))


class Chats(_Resource):
    def create(self, message: str, **fields: Any) -> m.ChatTurnResult:
        """A new chat and the answer to its first message (`source_ids`, `filters`)."""
        return self._c.send(ops.create_chat(message, fields))

    def send(self, chat_id: str, message: str) -> m.ChatTurnResult:
        return self._c.send(ops.chat_message(chat_id, message))

    def stream(self, message: str, *, chat_id: str | None = None, **fields: Any) -> Iterator[AnswerEvent]:
        """A new chat (or the next message of `chat_id`), its answer streamed as in `stream_query`."""
        op = (
            ops.create_chat(message, {**fields, "stream": True})
            if chat_id is None
            else ops.chat_message_stream(chat_id, message)
        )
        with self._c._events(op) as stream:
            yield from stream

    def history(self, chat_id: str, *, limit: int | None = None) -> Iterator[m.ChatMessage]:
        for page in self._c.pages(lambda cursor: ops.chat_history(chat_id, limit, cursor)):
            yield from page.messages


class Evaluation(_Resource):
    """A source's evaluation set: queries and the items that should answer them (docs/evaluation.md)."""

    def put(
        self, source_id: str, query_id: str, query: str, relevant_item_ids: list[str], **fields: Any
    ) -> m.EvaluationQuery:
        """Create or replace one query (`language` optional)."""
        payload = ops.body(fields, query=query, relevant_item_ids=relevant_item_ids)
        return self._c.send(ops.put_evaluation_query(source_id, query_id, payload))

    def get(self, source_id: str, query_id: str) -> m.EvaluationQuery:
        return self._c.send(ops.get_evaluation_query(source_id, query_id))

    def list(self, source_id: str, *, limit: int | None = None, cursor: str | None = None) -> m.EvaluationQueryPage:
        return self._c.send(ops.list_evaluation_queries(source_id, limit, cursor))

    def iter(self, source_id: str, *, limit: int | None = None) -> Iterator[m.EvaluationQuery]:
        for page in self._c.pages(lambda cursor: ops.list_evaluation_queries(source_id, limit, cursor)):
            yield from page.queries

    def delete(self, source_id: str, query_id: str) -> m.EvaluationQuery:
        return self._c.send(ops.delete_evaluation_query(source_id, query_id))


class Training(_Resource):
    """Training jobs (docs/training.md): one at a time per tenant."""

    def start(
        self,
        source_ids: list[str] | None = None,
        *,
        mode: str | None = None,
        gate: Body | None = None,
        wait: bool = False,
        on_progress: Callable[[m.TrainingJob], Any] | None = None,
        idempotency_key: str | None = None,
    ) -> m.TrainingJob:
        """Start a job (every active source without `source_ids`; `mode` apply or rebuild). With
        `wait`, poll it until completed, failed or cancelled (see `wait`)."""
        payload = ops.body(source_ids=source_ids, mode=mode, gate=ops.body(gate) if gate is not None else None)
        job = self._c.send(ops.start_training(payload, idempotency_key))
        return self.wait(job.id, on_progress=on_progress) if wait else job

    def status(self, job_id: str | None = None) -> m.TrainingJob:
        """A job with its progress; without `job_id`, the latest."""
        return self._c.send(ops.training_status(job_id))

    def jobs(self, *, limit: int | None = None, cursor: str | None = None) -> m.TrainingJobPage:
        return self._c.send(ops.training_jobs(limit, cursor))

    def iter(self, *, limit: int | None = None) -> Iterator[m.TrainingJob]:
        for page in self._c.pages(lambda cursor: ops.training_jobs(limit, cursor)):
            yield from page.jobs

    def cancel(self, job_id: str | None = None, *, idempotency_key: str | None = None) -> m.TrainingJob:
        """Ask a job (default: the latest) to stop at its next safe point; it ends `cancelled`."""
        return self._c.send(ops.cancel_training(job_id, idempotency_key))

    def wait(self, job_id: str, *, on_progress: Callable[[m.TrainingJob], Any] | None = None) -> m.TrainingJob:
        """Poll until the job is completed, failed or cancelled (the job, whatever it ended as);
        `on_progress` is called with each poll's job. WaitTimeoutError after `wait_timeout`."""

        def fetch() -> m.TrainingJob:
            job = self.status(job_id)
            if on_progress is not None:
                on_progress(job)
            return job

        return self._c._poll(fetch, lambda job: job.status in TRAINING_TERMINAL, f"training job {job_id}")
