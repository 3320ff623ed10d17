"""Where an item stands: staged, published (in which generation) or failed (see ItemPublication)."""

from kb.autopublish.models import ItemPublication, PublishError
from kb.blobs import BlobStore
from kb.generations.manifests import open_manifest
from kb.ids import parse_iso
from kb.items.models import StagedItem
from kb.sources.models import Source


def publication_of(blobs: BlobStore, source: Source, item: StagedItem) -> ItemPublication:
    """Compared with the serving generation's manifest entry, so it is exact whatever published it
    (a manual apply, an automatic one, a rollback): published when that generation holds the item's
    current content hash (an active item), or a tombstone or nothing (a missing one). Costs the
    manifest's root and the one shard holding the item."""
    generation_id = source.current_generation_id
    if generation_id is not None:
        _, entries = open_manifest(blobs, source.tenant_id, source.id, generation_id)
        entries.load([item.external_item_id])
        entry = entries.get(item.external_item_id)
        if item.state == "missing":
            served = entry is None or entry.missing_since is not None
        else:
            served = entry is not None and entry.missing_since is None and entry.content_hash == item.content_hash_value
        if served:
            return ItemPublication(status="published", generation_id=generation_id)
    failure = source.publish_failure
    if failure is not None and parse_iso(item.updated_at) <= parse_iso(failure.at):
        return ItemPublication(status="failed", error=PublishError(code=failure.code, reason=failure.reason))
    return ItemPublication(status="staged")
