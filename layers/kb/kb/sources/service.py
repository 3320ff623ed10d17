from kb.errors import NotFound
from kb.ids import iso_now, new_id
from kb.sources.models import CreateSourceRequest, Source, SourcePage
from kb.sources.repository import SourceRepository


def create_source(repo: SourceRepository, tenant_id: str, request: CreateSourceRequest) -> Source:
    source = Source(
        id=new_id("src"),
        tenant_id=tenant_id,
        name=request.name,
        grace_days=request.grace_days,
        created_at=iso_now(),
    )
    repo.create(source)
    return source


def get_source(repo: SourceRepository, tenant_id: str, source_id: str) -> Source:
    """Another tenant's source is indistinguishable from a missing one (no existence leak)."""
    source = repo.get(tenant_id, source_id)
    if source is None:
        raise NotFound(f"Source {source_id} was not found.")
    return source


def list_sources(repo: SourceRepository, tenant_id: str, limit: int, cursor: str | None) -> SourcePage:
    sources, next_cursor = repo.list(tenant_id, limit, cursor)
    return SourcePage(sources=sources, next_cursor=next_cursor)
