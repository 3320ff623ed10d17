from kb.ids import iso_now
from kb.items.models import ItemUpsertResult, StagedItem, UpsertItemRequest
from kb.items.repository import ItemRepository, StaleItemWrite
from kb.observability import count
from kb.sources.models import Source

_MAX_WRITE_ATTEMPTS = 5


def upsert_item(repo: ItemRepository, source: Source, request: UpsertItemRequest) -> ItemUpsertResult:
    """Upsert by externalItemId into the staging set; an identical payload changes nothing."""
    new_hash = request.content_hash()
    for _ in range(_MAX_WRITE_ATTEMPTS):
        existing = repo.get(source.id, request.external_item_id)
        if existing is not None and existing.content_hash_value == new_hash:
            return ItemUpsertResult(item=existing, outcome="unchanged")
        now = iso_now()
        item = StagedItem(
            **request.model_dump(),
            source_id=source.id,
            content_hash_value=new_hash,
            created_at=existing.created_at if existing else now,
            updated_at=now,
        )
        try:
            repo.put_if_unchanged(item, existing.content_hash_value if existing else None)
        except StaleItemWrite:
            continue  # a concurrent upsert won; re-read and decide again
        outcome = "updated" if existing else "created"
        count(f"Items{outcome.capitalize()}")
        return ItemUpsertResult(item=item, outcome=outcome)
    raise RuntimeError("item kept changing under concurrent writers")
