"""What a state machine's task function needs, built from settings and clients (no FastAPI)."""

from dataclasses import dataclass

from kb.aws import get_clients
from kb.blobs import BlobStore
from kb.generations.repository import GenerationRepository
from kb.items.repository import ItemRepository
from kb.runs.repository import RunRepository
from kb.settings import Settings, get_settings
from kb.sources.repository import SourceRepository
from kb.storage import Table
from kb.testhooks import TestHooks, load_hooks
from kb.webhooks.events import EventPublisher


@dataclass(frozen=True)
class TaskContext:
    settings: Settings
    table: Table
    sources: SourceRepository
    items: ItemRepository
    runs: RunRepository
    generations: GenerationRepository
    blobs: BlobStore
    events: EventPublisher

    def hooks(self, source_id: str) -> TestHooks:
        return load_hooks(self.table, self.settings.test_hooks_enabled, source_id)


def task_context() -> TaskContext:
    settings, clients = get_settings(), get_clients()
    table = Table(clients.dynamodb, settings.table_name)
    blobs = BlobStore(clients.s3, settings.bucket_name)
    return TaskContext(
        settings=settings,
        table=table,
        sources=SourceRepository(table),
        items=ItemRepository(table, blobs),
        runs=RunRepository(table),
        generations=GenerationRepository(table),
        blobs=blobs,
        events=EventPublisher(clients.sqs, settings.events_queue_url),
    )
