"""What a state machine's task function needs, built from settings, clients and the process's
adapters (no FastAPI). Each collaborator is built on first use, so a task that never touches S3
or the events queue never creates that client."""

from functools import cached_property

from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.scheduler import AutoPublishTrigger, PublishQueue
from kb.aws import AwsClients, get_clients
from kb.blobs import BlobStore
from kb.composition import Clock, adapters
from kb.generations.repository import GenerationRepository
from kb.imports.repository import ImportRepository
from kb.items.repository import ItemRepository
from kb.runs.repository import RunRepository
from kb.settings import Settings, get_settings
from kb.snapshots.repository import SnapshotRepository
from kb.sources.repository import SourceRepository
from kb.storage import Table
from kb.webhooks.events import EventPublisher


class TaskContext:
    def __init__(self, settings: Settings, clients: AwsClients) -> None:
        self.settings = settings
        self.clients = clients

    @cached_property
    def table(self) -> Table:
        return Table(self.clients.dynamodb, self.settings.table_name)

    @cached_property
    def sources(self) -> SourceRepository:
        return SourceRepository(self.table)

    @cached_property
    def items(self) -> ItemRepository:
        """Staging writes through it schedule auto publishing, as the HTTP endpoints' do."""
        from kb.keys.plans import tenant_quotas  # only the functions that stage items need it

        return ItemRepository(self.table, self.blobs, self.publish_trigger, tenant_quotas(self.table, self.settings))

    @cached_property
    def publish_trigger(self) -> AutoPublishTrigger:
        queue = PublishQueue(lambda: self.clients.sqs, self.settings.auto_publish_queue_url)
        return AutoPublishTrigger(PublishStateRepository(self.table), queue)

    @cached_property
    def runs(self) -> RunRepository:
        return RunRepository(self.table)

    @cached_property
    def generations(self) -> GenerationRepository:
        return GenerationRepository(self.table)

    @cached_property
    def imports(self) -> ImportRepository:
        return ImportRepository(self.table)

    @cached_property
    def snapshots(self) -> SnapshotRepository:
        return SnapshotRepository(self.table, self.blobs)

    @cached_property
    def blobs(self) -> BlobStore:
        return adapters().blob_store(self.clients.s3, self.settings.bucket_name)

    @cached_property
    def events(self) -> EventPublisher:
        return EventPublisher(self.clients.sqs, self.settings.events_queue_url)

    def clock(self, source_id: str) -> Clock:
        return adapters().clock(source_id)

    def task_blobs(self, source_id: str) -> BlobStore:
        return adapters().task_blob_store(self.clients.s3, self.settings.bucket_name, source_id)


def task_context() -> TaskContext:
    return TaskContext(get_settings(), get_clients())
