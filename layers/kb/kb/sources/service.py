from kb.errors import NotFound, SourceInactive
from kb.ids import iso_now, new_id
from kb.sources.models import CreateSourceRequest, Source, SourcePage, UpdateSourceRequest
from kb.sources.repository import SourceConditionFailed, SourceRepository, StagingListener


def create_source(repo: SourceRepository, tenant_id: str, request: CreateSourceRequest) -> Source:
    source = Source(
        id=new_id("src"),
        tenant_id=tenant_id,
        name=request.name,
        grace_days=request.grace_days,
        chunking=request.chunking,
        language=request.language,
        mass_deletion_threshold=request.mass_deletion_threshold,
        publishing=request.publishing,
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


def require_active(source: Source) -> Source:
    if source.status != "active":
        raise SourceInactive(f"Source {source.id} is archived.")
    return source


def list_sources(repo: SourceRepository, tenant_id: str, limit: int, cursor: str | None) -> SourcePage:
    sources, next_cursor = repo.page(tenant_id, limit, cursor)
    return SourcePage(sources=sources, next_cursor=next_cursor)


def update_source(
    repo: SourceRepository, source: Source, request: UpdateSourceRequest, listener: StagingListener | None = None
) -> Source:
    """A source switched to auto publishing may already hold unpublished changes: the listener
    (kb.autopublish) schedules their publish as a staging write would."""
    settings = request.build_settings_of(source)
    fields = request.model_dump(by_alias=True, exclude_none=True, exclude={"chunking", "language"})
    try:
        if settings:
            updated = repo.update_settings(require_active(source), fields, settings, iso_now())
        else:
            updated = repo.update_active(require_active(source), fields, iso_now())
    except SourceConditionFailed as error:
        raise SourceInactive(f"Source {source.id} is archived.") from error
    if listener is not None and request.publishing is not None:
        listener.staged(updated)
    return updated


def archive_source(repo: SourceRepository, source: Source) -> Source:
    """Archiving keeps everything (it is not a purge): the source stops serving and accepting changes."""
    if source.status == "archived":
        return source
    return repo.archive(source, iso_now())
