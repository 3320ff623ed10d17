"""What a state machine's task function needs, built from settings, clients and the process's
adapters (no FastAPI)."""

from dataclasses import dataclass

from kb.aws import AwsClients, get_clients
from kb.blobs import BlobStore
from kb.composition import Clock, adapters
from kb.generations.repository import GenerationRepository
from kb.items.repository import ItemRepository
from kb.runs.repository import RunRepository
from kb.settings import Settings, get_settings
from kb.sources.repository import SourceRepository
from kb.storage import Table
from kb.webhooks.events import EventPublisher


@dataclass(frozen=True)
class TaskContext:
    settings: Settings
    clients: AwsClients
    table: Table
    sources: SourceRepository
    items: ItemRepository
    runs: RunRepository
    generations: GenerationRepository
    blobs: BlobStore
    events: EventPublisher

    def clock(self, source_id: str) -> Clock:
        return adapters().clock(source_id)

    def task_blobs(self, source_id: str) -> BlobStore:
        return adapters().task_blob_store(self.clients.s3, self.settings.bucket_name, source_id)


def task_context() -> TaskContext:
    settings, clients = get_settings(), get_clients()
    table = Table(clients.dynamodb, settings.table_name)
    blobs = adapters().blob_store(clients.s3, settings.bucket_name)
    return TaskContext(
        settings=settings,
        clients=clients,
        table=table,
        sources=SourceRepository(table),
        items=ItemRepository(table, blobs),
        runs=RunRepository(table),
        generations=GenerationRepository(table),
        blobs=blobs,
        events=EventPublisher(clients.sqs, settings.events_queue_url),
    )
