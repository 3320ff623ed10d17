"""Paging through search results. A cursor pins what page 1 searched (each source's generation
and the hybrid fusion depth) and where the next page starts, so every page is a slice of one
fixed ranking: no result repeats or goes missing between pages, even if a source publishes a new
generation meanwhile. It is signed and bound to the tenant and to the request's body (all but
`limit` and `cursor`)."""

import hashlib
import json
from dataclasses import dataclass

from kb.blobs import BlobStore, manifest_key
from kb.cursors import CursorCodec, Listing, invalid_cursor
from kb.errors import CursorExpired
from kb.search.models import SearchRequest
from kb.sources.models import Source
from kb.sources.repository import SourceRepository

MAX_WINDOW = 1000  # how deep paging goes: offset + limit at most this


@dataclass(frozen=True)
class Page:
    offset: int
    generations: list[tuple[str, str]]  # (sourceId, generationId) as page 1 searched them, in its order
    fusion_depth: int


def _listing(tenant_id: str, request: SearchRequest) -> Listing:
    body = request.model_dump(mode="json", by_alias=True, exclude={"limit", "cursor"})
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Listing(tenant_id, f"search\n{digest}")


def encode_page(codec: CursorCodec, tenant_id: str, request: SearchRequest, page: Page) -> str:
    position = {"o": page.offset, "g": [list(pair) for pair in page.generations], "f": page.fusion_depth}
    return codec.encode(position, _listing(tenant_id, request))


def decode_page(codec: CursorCodec, tenant_id: str, request: SearchRequest) -> Page:
    """The page `request.cursor` points at; invalid_cursor for a cursor of another search."""
    position = codec.decode(request.cursor or "", _listing(tenant_id, request))
    try:
        pairs = [(str(source_id), str(generation_id)) for source_id, generation_id in position["g"]]
        page = Page(int(position["o"]), pairs, int(position["f"]))
    except (KeyError, TypeError, ValueError):
        raise invalid_cursor() from None
    if not 0 < page.offset < MAX_WINDOW:
        raise invalid_cursor()
    return page


def pinned_sources(sources: SourceRepository, blobs: BlobStore, tenant_id: str, page: Page) -> list[Source]:
    """The sources as page 1 searched them, each at the generation it served then."""
    pinned = []
    for source_id, generation_id in page.generations:
        source = sources.get(tenant_id, source_id)
        if source is None or blobs.size(manifest_key(tenant_id, source_id, generation_id)) is None:
            raise CursorExpired(
                f"Generation {generation_id} of source {source_id}, which this cursor pages through, "
                "is no longer kept: search again without the cursor."
            )
        pinned.append(source.model_copy(update={"current_generation_id": generation_id}))
    return pinned
