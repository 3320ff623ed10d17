"""Loaded generations, kept across warm invocations. A generation is immutable, so its id is a
perfect cache key: publishing a new one changes the source's pointer, and the next request asks
for the new id."""

from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from kb.search.index import SearchIndex


class GenerationCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, SearchIndex] = OrderedDict()

    def get(self, generation_id: str, load: Callable[[], SearchIndex]) -> SearchIndex:
        index = self._entries.get(generation_id)
        if index is not None:
            self._entries.move_to_end(generation_id)
            return index
        index = load()
        self._entries[generation_id] = index
        # Least recently used out first; the one just loaded stays even if it alone is over budget.
        while len(self._entries) > 1 and self.size > self.max_bytes:
            self._entries.popitem(last=False)
        return index

    @property
    def size(self) -> int:
        return sum(index.nbytes for index in self._entries.values())

    def __contains__(self, generation_id: str) -> bool:
        return generation_id in self._entries


@lru_cache(maxsize=1)
def process_cache(max_megabytes: int) -> GenerationCache:
    """The one cache of this process (a warm Lambda sandbox keeps it between invocations)."""
    return GenerationCache(max_megabytes * 1024 * 1024)
