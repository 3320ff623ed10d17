"""A generation's search index in memory: the live chunks of its segments, BM25 postings with
precomputed weights, and embeddings. Built once per generation (immutable) and cached."""

from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kb.generations.locations import Location
from kb.search.languages import DEFAULT, normalise
from kb.search.segments import NO_LOCATION, Segment, SegmentItem, location_of
from kb.search.text import LEGACY, terms

# BM25 as Anserini tunes it for short passages (k1 0.9, b 0.4); Lucene's idf.
K1 = 0.9
B = 0.4
# Whole items are documents of any length: Lucene's defaults (see keyword_scores).
ITEM_K1 = 1.2
ITEM_B = 0.75

FILTER_MASKS = 16  # distinct filters whose masks an index keeps (a byte per chunk each)

Scores = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Matches = tuple[npt.NDArray[np.int64], Scores]  # chunks (in chunk order) and their scores


@dataclass(frozen=True)
class IndexedItem:
    item: SegmentItem
    missing_since: str | None  # a tombstone that still serves inside its grace window


@dataclass(frozen=True)
class LivePart:
    """A segment and which of its items the generation's manifest says are live."""

    segment: Segment
    live: Mapping[str, tuple[str, str | None]]  # externalItemId -> (contentHash, missingSince)


class SearchIndex:
    def __init__(self, source_id: str, generation_id: str, parts: list[LivePart]) -> None:
        self.source_id = source_id
        self.generation_id = generation_id
        self.items: list[IndexedItem] = []
        self.chunk_ids: list[str] = []
        self.chunk_texts: list[str] = []
        item_parts: list[npt.NDArray[np.int32]] = []
        position_parts: list[npt.NDArray[np.int32]] = []
        length_parts: list[npt.NDArray[np.int32]] = []
        embedding_parts: list[npt.NDArray[np.float32]] = []
        term_parts: list[npt.NDArray[np.int64]] = []
        chunk_parts: list[npt.NDArray[np.int64]] = []
        count_parts: list[npt.NDArray[np.int32]] = []
        location_parts: list[npt.NDArray[np.int64]] = []
        self.heading_paths: list[list[str]] = []
        self.vocabulary: dict[str, int] = {}
        self.embedding_model: str | None = None
        self.analyses: set[str] = set()  # the languages the live items were analysed as
        has_embeddings = bool(parts) and all(p.segment.embeddings is not None for p in parts)
        for part in parts:
            segment = part.segment
            item_live = np.zeros(len(segment.items), dtype=bool)
            item_number = np.full(len(segment.items), -1, dtype=np.int32)
            for index, item in enumerate(segment.items):
                state = part.live.get(item.external_item_id)
                if state is not None and state[0] == item.content_hash:
                    item_live[index] = True
                    item_number[index] = len(self.items)
                    self.items.append(IndexedItem(item, state[1]))
                    self.analyses.add(segment.analysis(index))
            chunk_live = item_live[segment.chunk_item]
            first = len(self.chunk_ids)
            renumber = np.cumsum(chunk_live, dtype=np.int64) - 1 + first
            self.chunk_ids.extend(c for c, keep in zip(segment.chunk_ids, chunk_live, strict=True) if keep)
            self.chunk_texts.extend(t for t, keep in zip(segment.chunk_texts, chunk_live, strict=True) if keep)
            item_parts.append(item_number[segment.chunk_item[chunk_live]])
            position_parts.append(segment.chunk_position[chunk_live])
            length_parts.append(segment.chunk_length[chunk_live])
            location_parts.append(self._locations(segment, chunk_live))
            if has_embeddings and segment.embeddings is not None:
                embedding_parts.append(segment.embeddings[chunk_live])
                self.embedding_model = segment.embedding_model
            global_terms = np.asarray(
                [self.vocabulary.setdefault(term, len(self.vocabulary)) for term in segment.vocabulary], dtype=np.int64
            )
            posting_terms = np.repeat(global_terms, np.diff(segment.term_offsets))
            keep = chunk_live[segment.posting_chunks]
            term_parts.append(posting_terms[keep])
            chunk_parts.append(renumber[segment.posting_chunks[keep]])
            count_parts.append(segment.posting_counts[keep])
        self.chunk_item = _concat(item_parts, np.int32)
        self.chunk_position = _concat(position_parts, np.int32)
        lengths = _concat(length_parts, np.int32).astype(np.float32)
        self.chunk_location = (
            np.concatenate(location_parts) if location_parts else np.zeros((0, len(NO_LOCATION)), dtype=np.int64)
        )
        self.embeddings = np.concatenate(embedding_parts) if has_embeddings and embedding_parts else None
        self._build_postings(
            _concat(term_parts, np.int64), _concat(chunk_parts, np.int64), _concat(count_parts, np.int32), lengths
        )
        # What a query in no given language is analysed as (query_terms), in a fixed order.
        self._analyses = sorted(self.analyses) or [DEFAULT]
        # Where a chunk's item's score lands in keyword_matches' bincount (after the chunks' bins).
        self._item_bin = self.chunk_item.astype(np.int64) + len(self.chunk_ids)
        self.tombstoned = [i for i, entry in enumerate(self.items) if entry.missing_since]
        self._filter_masks: OrderedDict[str, Mask] = OrderedDict()  # a request's filters -> chunks they keep
        self.nbytes = self._estimate_bytes()

    def _locations(self, segment: Segment, live: Mask) -> npt.NDArray[np.int64]:
        """The live chunks' location rows, their heading paths renumbered into this index's table."""
        if segment.chunk_location is None:  # written before locations
            return np.tile(np.asarray(NO_LOCATION, dtype=np.int64), (int(np.count_nonzero(live)), 1))
        rows = segment.chunk_location[live].copy()
        first = len(self.heading_paths)
        self.heading_paths.extend(segment.heading_paths)
        rows[:, 4] = np.where(rows[:, 4] >= 0, rows[:, 4] + first, -1)
        return rows

    def location(self, chunk: int) -> Location | None:
        return location_of(self.chunk_location[chunk], self.heading_paths)

    def location_fields(self, chunk: int) -> dict[str, Any] | None:
        """`ChunkLocation.fields_of(self.location(chunk))` straight from the chunk's row: what every
        search result carries, in a quarter of the time (no Location made on the way)."""
        start, end, page, page_end, heading = self.chunk_location[chunk].tolist()
        if start < 0:
            return None
        path = list(self.heading_paths[heading]) if heading >= 0 else []
        return {"start": start, "end": end, "page": page or None, "pageEnd": page_end or None, "headingPath": path}

    def _build_postings(
        self,
        posting_terms: npt.NDArray[np.int64],
        chunks: npt.NDArray[np.int64],
        counts: npt.NDArray[np.int32],
        lengths: npt.NDArray[np.float32],
    ) -> None:
        order = np.argsort(posting_terms, kind="stable")
        posting_terms, chunks, counts = posting_terms[order], chunks[order], counts[order]
        document_frequency = np.bincount(posting_terms, minlength=len(self.vocabulary)).astype(np.float32)
        offsets = np.concatenate(([0], np.cumsum(document_frequency, dtype=np.int64)))
        total = float(len(self.chunk_ids))
        idf = np.log1p((total - document_frequency + 0.5) / (document_frequency + 0.5)).astype(np.float32)
        average_length = float(lengths.mean()) if len(lengths) else 1.0
        tf = counts.astype(np.float32)
        norm = K1 * (1 - B + B * lengths[chunks] / max(average_length, 1e-9))
        weights = (idf[posting_terms] * tf * (K1 + 1) / (tf + norm)).astype(np.float32)
        item_postings, item_offsets = self._item_postings(posting_terms, chunks, tf, lengths)
        self._interleave(offsets, (posting_terms, chunks, weights), item_offsets, item_postings)

    def _item_postings(
        self,
        posting_terms: npt.NDArray[np.int64],
        chunks: npt.NDArray[np.int64],
        tf: npt.NDArray[np.float32],
        lengths: npt.NDArray[np.float32],
    ) -> tuple[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]], npt.NDArray[np.int64]]:
        """BM25 postings of whole items, folded from their chunks' (an item's term count and length
        are its chunks' sums, so its title, indexed with every chunk, weighs more in a long item):
        (terms, items, weights), and each term's offsets into them."""
        width = max(len(self.items), 1)
        keys = posting_terms * width + self.chunk_item[chunks]
        if len(keys) and np.any(keys[1:] < keys[:-1]):  # postings are sorted by term then chunk, so by item
            order = np.argsort(keys, kind="stable")
            keys, tf = keys[order], tf[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else keys
        item_tf = np.add.reduceat(tf, starts) if len(keys) else tf
        item_terms, items = np.divmod(keys[starts], width)
        item_frequency = np.bincount(item_terms, minlength=len(self.vocabulary)).astype(np.float32)
        offsets = np.concatenate(([0], np.cumsum(item_frequency, dtype=np.int64)))
        total = float(len(self.items))
        idf = np.log1p((total - item_frequency + 0.5) / (item_frequency + 0.5)).astype(np.float32)
        item_length = np.bincount(self.chunk_item, weights=lengths, minlength=len(self.items)).astype(np.float32)
        average = float(item_length.mean()) if len(item_length) else 1.0
        norm = ITEM_K1 * (1 - ITEM_B + ITEM_B * item_length[items] / max(average, 1e-9))
        weights = (idf[item_terms] * item_tf * (ITEM_K1 + 1) / (item_tf + norm)).astype(np.float32)
        return (item_terms, items, weights), offsets

    def _interleave(
        self,
        offsets: npt.NDArray[np.int64],
        chunk_postings: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]],
        item_offsets: npt.NDArray[np.int64],
        item_postings: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]],
    ) -> None:
        """One posting list per term: its chunks' postings, then its items' (bins past the chunks'),
        so a query slices and sums both levels at once (one slice and one bincount, not two)."""
        (chunk_terms, chunks, weights), (item_terms, items, item_weights) = chunk_postings, item_postings
        self.term_offsets = offsets + item_offsets
        size = int(self.term_offsets[-1])
        self.posting_bins = np.empty(size, dtype=np.int32)
        self.posting_weights = np.empty(size, dtype=np.float32)
        # A chunk posting moves past the item postings of the terms before it; an item posting past
        # the chunk postings of its term and those before it.
        at = np.arange(len(chunks)) + item_offsets[chunk_terms]
        self.posting_bins[at], self.posting_weights[at] = chunks, weights
        at = np.arange(len(items)) + offsets[item_terms + 1]
        self.posting_bins[at], self.posting_weights[at] = items + len(self.chunk_ids), item_weights
        self._offsets: list[int] = self.term_offsets.tolist()  # plain ints: no numpy scalars per query term

    @property
    def chunk_count(self) -> int:
        return len(self.chunk_ids)

    def _estimate_bytes(self) -> int:
        """Roughly what this index holds in memory (for the cache's budget)."""
        arrays = self.posting_bins.nbytes + self.posting_weights.nbytes + self.term_offsets.nbytes
        arrays += self._item_bin.nbytes
        arrays += self.chunk_location.nbytes + 64 * len(self.heading_paths)
        arrays += 0 if self.embeddings is None else self.embeddings.nbytes
        text = sum(len(t) for t in self.chunk_texts) + 64 * (len(self.chunk_ids) + len(self.vocabulary))
        return arrays + text + 512 * len(self.items)

    def keyword_scores(self, query: str, language: str | None = None) -> Scores:
        """Every chunk's keyword score (0 where it shares no term with the query): see keyword_matches."""
        return self.dense(self.keyword_matches(query, language))

    def dense(self, matches: Matches) -> Scores:
        """Every chunk's score from the matching ones' (0 elsewhere)."""
        chunks, values = matches
        scores = np.zeros(self.chunk_count, dtype=np.float32)
        scores[chunks] = values
        return scores

    def keyword_matches(self, query: str, language: str | None = None) -> Matches:
        """The chunks that share a term with the query (in chunk order) and their scores: a chunk's
        BM25 plus its item's (the whole item's BM25), so a passage of an item that is about the
        query as a whole ranks above an equally matching passage of one that mentions it once
        (docs/search.md, Ranking). Both levels of all query terms are summed in one bincount; only
        the matching chunks are then scored (a SciFact query matches about 40% of them)."""
        bins, weights = [], []
        offsets, vocabulary = self._offsets, self.vocabulary
        for term, count in self.query_terms(query, language):
            term_id = vocabulary.get(term)
            if term_id is None:
                continue
            start, end = offsets[term_id], offsets[term_id + 1]
            bins.append(self.posting_bins[start:end])
            weights.append(self.posting_weights[start:end] * count if count > 1 else self.posting_weights[start:end])
        if not bins:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        chunk_count = self.chunk_count
        sums = np.bincount(np.concatenate(bins), np.concatenate(weights), minlength=chunk_count + len(self.items))
        chunks = np.flatnonzero(sums[:chunk_count] > 0)  # `> 0` first: nonzero of bools is 5x that of floats
        return chunks, (sums[chunks] + sums[self._item_bin[chunks]]).astype(np.float32)

    def query_terms(self, query: str, language: str | None = None) -> list[tuple[str, int]]:
        """The query's terms with their counts. A query in a given language is analysed as that;
        otherwise as every language this index's items were analysed in (a few words are too few
        to detect a language from; the union finds each item by its own language's terms, and a
        term several analyses agree on counts once). Items indexed before languages are always
        also matched with the analysis they were indexed with."""
        analyses = (
            self._analyses if not language else sorted({normalise(language) or DEFAULT} | ({LEGACY} & self.analyses))
        )
        counts: dict[str, int] = {}
        for analysis in analyses:
            mine: dict[str, int] = {}
            for term in terms(query, analysis):
                mine[term] = mine.get(term, 0) + 1
            if len(analyses) == 1:
                return list(mine.items())
            for term, count in mine.items():
                counts[term] = max(counts.get(term, 0), count)
        return list(counts.items())

    def semantic_scores(self, query_vector: npt.NDArray[np.float32]) -> Scores:
        if self.embeddings is None:
            return np.zeros(self.chunk_count, dtype=np.float32)
        return (self.embeddings @ query_vector).astype(np.float32)

    def filter_mask(self, key: str, allowed: Callable[[IndexedItem], bool]) -> Mask:
        """`item_mask(allowed)`, kept for the next request with the same filters (`key`): the
        index never changes, so neither does the mask (a chat's turns, a search's pages, a front
        end's fixed filters pay for evaluating them once). Never modify the array returned."""
        mask = self._filter_masks.get(key)
        if mask is None:
            mask = self._filter_masks[key] = self.item_mask(allowed)
            while len(self._filter_masks) > FILTER_MASKS:
                with suppress(KeyError):
                    self._filter_masks.popitem(last=False)
        else:
            with suppress(KeyError):  # evicted meanwhile by another thread (the local stack's)
                self._filter_masks.move_to_end(key)
        return mask

    def serving_mask(self, serves: Callable[[IndexedItem], bool]) -> Mask | None:
        """Chunks whose item still serves, judging only the tombstones; None when all do."""
        expired = [i for i in self.tombstoned if not serves(self.items[i])]
        if not expired:
            return None
        items_ok = np.ones(len(self.items), dtype=bool)
        items_ok[expired] = False
        mask: Mask = items_ok[self.chunk_item]
        return mask

    def item_mask(self, allowed: Callable[[IndexedItem], bool]) -> Mask:
        """Chunks whose item passes `allowed`."""
        items_ok = np.fromiter((allowed(entry) for entry in self.items), dtype=bool, count=len(self.items))
        return items_ok[self.chunk_item] if len(self.items) else np.zeros(0, dtype=bool)


def top(scores: Scores, limit: int, mask: Mask | None = None, positive_only: bool = True) -> list[tuple[int, float]]:
    """The best `limit` chunks as (chunk index, score), best first, equal scores in chunk order: a
    total order, so a deeper call (the next page) extends a shallower one and never reorders it."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf).astype(np.float32)
    candidates = np.flatnonzero(scores > 0) if positive_only else np.flatnonzero(np.isfinite(scores))
    return top_of(candidates, scores[candidates], limit)


def top_of(chunks: npt.NDArray[np.int64], values: Scores, limit: int) -> list[tuple[int, float]]:
    """`top` of candidate chunks (in chunk order) and their scores."""
    count = len(chunks)
    block = max(16, count // (4 * limit)) if limit > 0 else 0
    if limit > 0 and count >= block * limit:
        # Thousands of candidates for a few results: first keep only those at least the limit-th
        # best of the blocks' maxima (at least `limit` values reach it, so the best are all kept),
        # which costs a pass over the blocks instead of a partition of every candidate (half the time).
        maxima = np.maximum.reduceat(values, np.arange(0, count, block))
        bound = np.partition(maxima, len(maxima) - limit)[len(maxima) - limit]
        keep = values >= bound
        chunks, values = chunks[keep], values[keep]
    if len(chunks) > 4 * limit:  # fewer are sorted at once (no faster to cut first)
        # Everything scoring at least the limit-th best, so ties at the cut are decided by chunk order.
        cut = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= cut
        chunks, values = chunks[keep], values[keep]
    order = np.lexsort((chunks, -values))[:limit]
    return list(zip(chunks[order].tolist(), values[order].tolist(), strict=True))


def best_per_item(
    scores: Scores, chunk_item: npt.NDArray[np.int32], mask: Mask | None, positive_only: bool = True
) -> Mask:
    """Chunks that are their item's best (first in chunk order on ties), among those `mask` keeps
    (and, with `positive_only`, that score above 0: the only ones a keyword ranking holds)."""
    allowed = scores > 0 if positive_only else np.ones(len(scores), dtype=bool)
    if mask is not None:
        allowed &= mask
    chunks = np.flatnonzero(allowed)  # in chunk order, which the stable sort keeps on ties
    order = chunks[np.argsort(-scores[chunks], kind="stable")]
    _, first = np.unique(chunk_item[order], return_index=True)
    best = np.zeros(len(scores), dtype=bool)
    best[order[first]] = True
    return best


def _concat(parts: list[Any], dtype: type) -> Any:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
