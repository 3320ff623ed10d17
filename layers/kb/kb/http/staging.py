"""FastAPI dependencies of the staging set: items and snapshots (see kb.http.deps)."""

from typing import Annotated

from fastapi import Depends

from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.scheduler import AutoPublishTrigger, PublishQueue
from kb.http.deps import BlobsDep, ClientsDep, SettingsDep, TableDep
from kb.items.repository import ItemRepository
from kb.keys.plans import tenant_quotas
from kb.snapshots.repository import SnapshotRepository


def publish_trigger(db: TableDep, settings: SettingsDep, clients: ClientsDep) -> AutoPublishTrigger:
    """Schedules the automatic publish of an auto-publishing source after its staging writes."""
    return AutoPublishTrigger(
        PublishStateRepository(db), PublishQueue(lambda: clients.sqs, settings.auto_publish_queue_url)
    )


PublishTriggerDep = Annotated[AutoPublishTrigger, Depends(publish_trigger)]


def item_repository(db: TableDep, blobs: BlobsDep, trigger: PublishTriggerDep, settings: SettingsDep) -> ItemRepository:
    return ItemRepository(db, blobs, trigger, tenant_quotas(db, settings))


def snapshot_repository(db: TableDep, blobs: BlobsDep) -> SnapshotRepository:
    return SnapshotRepository(db, blobs)


ItemsDep = Annotated[ItemRepository, Depends(item_repository)]
SnapshotsDep = Annotated[SnapshotRepository, Depends(snapshot_repository)]
