"""Turning text into index terms, and text into sentences (for extractive answers)."""

import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import Stemmer  # PyStemmer: the Snowball stemmers, compiled

_WORD = re.compile(r"\w+", re.UNICODE)
# Between texts analysed in one pass: a character no word contains.
_BREAK = "\x00"
_BREAK_ID = -2
_WORD_OR_BREAK = re.compile(r"\w+|\x00", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")

# The English stop words Lucene's and Anserini's analyzers drop, plus a few from scikit-learn's list
# that carry nothing in a question ("what", "how", ...).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "why",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "him",
        "her",
        "its",
        "them",
        "has",
        "have",
        "had",
        "been",
        "being",
        "am",
        "were",
        "from",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "just",
        "about",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> "Stemmer.Stemmer":
    stemmer = Stemmer.Stemmer("english")
    stemmer.maxCacheSize = 100_000
    return stemmer


def terms(text: str) -> list[str]:
    """Lower-cased words, stop words dropped, Snowball-stemmed (so "refunds" finds "refund")."""
    stems = _STEMS
    found = (stems[w] if w in stems else _stem(w) for w in _WORD.findall(text.lower()))
    return [stem for stem in found if stem is not None]


# Word -> stemmed term, shared by every analysis in this process (vocabularies are small).
_STEMS: dict[str, str | None] = {}


def _stem(word: str) -> str | None:
    stem = None if word in STOP_WORDS else _stemmer().stemWord(word)
    _STEMS[word] = stem
    return stem


def _ascii_table() -> bytes:
    """bytes.translate table: ASCII letters lower-cased, digits and _ kept (what \\w matches in ASCII),
    NUL kept (the break between texts), every other ASCII byte a space."""
    table = bytearray(range(256))
    for byte in range(1, 128):
        char = chr(byte)
        table[byte] = ord(char.lower()) if char.isalnum() or char == "_" else ord(" ")
    return bytes(table)


_ASCII = _ascii_table()


class TermTable:
    """Word -> term id for one index build. Every text is analysed in one pass with all the others
    (per-text Python work is what an index build would otherwise spend its time on); ASCII texts
    take a faster path (translate + split in C) that finds exactly the words the regex would."""

    def __init__(self) -> None:
        self.vocabulary: list[str] = []
        self._term_ids: dict[str, int] = {}
        self._word_ids: dict[str, int] = {_BREAK: _BREAK_ID}
        self._ascii_ids: dict[bytes, int] = {_BREAK.encode(): _BREAK_ID}

    def _learn(self, word: str) -> int:
        known = self._word_ids.get(word)
        if known is not None:
            return known
        stem = _STEMS[word] if word in _STEMS else _stem(word)
        term_id = -1 if stem is None else self._term_ids.setdefault(stem, len(self._term_ids))
        if term_id == len(self.vocabulary):
            self.vocabulary.append(stem or "")
        self._word_ids[word] = term_id
        return term_id

    def word_ids(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The term id of every word of `texts` (-1 for stop words) and the index of its text."""
        ascii_texts = [i for i, text in enumerate(texts) if text.isascii()]
        other_texts = [i for i, text in enumerate(texts) if not text.isascii()]
        ids_parts, text_parts = [], []
        for chosen, analyse in ((ascii_texts, self._ascii_pass), (other_texts, self._regex_pass)):
            if chosen:
                ids, text_of = analyse([texts[i].replace(_BREAK, " ") for i in chosen])
                ids_parts.append(ids)
                text_parts.append(np.asarray(chosen, dtype=np.int64)[text_of])
        if not ids_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(ids_parts), np.concatenate(text_parts)

    def _ascii_pass(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        words = f" {_BREAK} ".join(texts).encode("ascii").translate(_ASCII).split()
        known = self._ascii_ids
        for word in set(words).difference(known):
            known[word] = self._learn(word.decode("ascii"))
        return _located(np.fromiter(map(known.__getitem__, words), dtype=np.int64, count=len(words)))

    def _regex_pass(self, texts: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        words = _WORD_OR_BREAK.findall(_BREAK.join(texts).lower())
        known = self._word_ids
        for word in set(words).difference(known):
            self._learn(word)
        return _located(np.fromiter(map(known.__getitem__, words), dtype=np.int64, count=len(words)))


def _located(ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Words without the breaks, and which text (counting breaks) each word is in."""
    breaks = ids == _BREAK_ID
    text_of = np.cumsum(breaks)
    return ids[~breaks], text_of[~breaks]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
