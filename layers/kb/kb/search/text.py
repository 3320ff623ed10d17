"""Turning text into index terms, and text into sentences (for extractive answers)."""

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import Stemmer  # PyStemmer: the Snowball stemmers, compiled

from kb.search.languages import DEFAULT, STEMMERS, stop_words_of

_WORD = re.compile(r"\w+", re.UNICODE)
# Between texts analysed in one pass: a character no word contains.
_BREAK = "\x00"
_BREAK_ID = -2
# The analysis of segments written before languages (English, CJK runs as whole words): their terms
# were made so, and a query against them is analysed so too.
LEGACY = "legacy"
# Sentence ends: . ! ? before a capital, line breaks, and CJK full stops (which need no space).
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+|(?<=[\u3002\uff01\uff1f])\s*")

# Chinese, Japanese and Korean: Han, kana (with the half-width forms NFKC folds) and Hangul.
_CJK_CHARS = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# A run of CJK characters, or a word of any other letters and digits (\w less CJK), or a break.
_TOKEN = re.compile(rf"[{_CJK_CHARS}]+|[^\W{_CJK_CHARS}]+|\x00", re.UNICODE)
_CJK = re.compile(rf"[{_CJK_CHARS}]")


def terms(text: str, language: str = DEFAULT) -> list[str]:
    """Index terms of a text analysed as `language` (a code of kb.search.languages, or LEGACY):
    lower-cased words, stop words dropped, Snowball-stemmed (so "refunds" finds "refund");
    runs of CJK characters become overlapping bigrams (so a substring without spaces is found)."""
    if language == LEGACY:
        words = _WORD.findall(text.lower())
        language = DEFAULT
    else:
        words = tokens(text)
    stems = _stems(language)
    found = (stems[w] if w in stems else _stem(w, language) for w in words)
    return [stem for stem in found if stem is not None]


def tokens(text: str) -> list[str]:
    """Lower-cased words in order; CJK runs as their character bigrams (a lone character alone),
    as Lucene's CJK analyzer does. Non-ASCII text is NFKC-normalised first (full-width letters,
    half-width kana, ligatures, decomposed accents)."""
    if text.isascii():
        return _WORD.findall(text.lower())
    words = _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())
    if not _CJK.search(text):
        return words
    return [gram for word in words for gram in _bigrams(word)]


def _bigrams(word: str) -> list[str]:
    if len(word) < 2 or not _CJK.match(word):
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]


# Language -> word -> term, shared by every analysis in this process (vocabularies are small).
_STEMS: dict[str, dict[str, str | None]] = {}


def _stems(language: str) -> dict[str, str | None]:
    stems = _STEMS.get(language)
    if stems is None:
        stems = _STEMS.setdefault(language, {})
    return stems


@lru_cache(maxsize=64)
def _stemmer(language: str) -> "Stemmer.Stemmer | None":
    name = STEMMERS.get(language)
    if name is None:
        return None
    stemmer = Stemmer.Stemmer(name)
    stemmer.maxCacheSize = 100_000
    return stemmer


def _stem(word: str, language: str) -> str | None:
    stemmer = _stemmer(language)
    if word in stop_words_of(language):
        stem = None
    elif stemmer is None or _CJK.match(word):
        stem = word
    else:
        stem = stemmer.stemWord(word)
    _stems(language)[word] = stem
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
    of its language (per-text Python work is what an index build would otherwise spend its time
    on); ASCII texts take a faster path (translate + split in C) that finds exactly the words the
    regex would."""

    def __init__(self) -> None:
        self.vocabulary: list[str] = []
        self._term_ids: dict[str, int] = {}
        self._word_ids: dict[str, dict[str, int]] = defaultdict(lambda: {_BREAK: _BREAK_ID})
        self._ascii_ids: dict[str, dict[bytes, int]] = defaultdict(lambda: {_BREAK.encode(): _BREAK_ID})

    def _learn(self, word: str, language: str) -> int:
        known = self._word_ids[language]
        if word in known:
            return known[word]
        stems = _stems(language)
        stem = stems[word] if word in stems else _stem(word, language)
        term_id = -1 if stem is None else self._term_ids.setdefault(stem, len(self._term_ids))
        if term_id == len(self.vocabulary):
            self.vocabulary.append(stem or "")
        known[word] = term_id
        return term_id

    def word_ids(
        self, texts: list[str], languages: list[str] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The term id of every word of `texts` (-1 for stop words), each analysed as its language
        (English when not given), and the index of its text."""
        groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
        for i, text in enumerate(texts):
            groups[(languages[i] if languages else DEFAULT, text.isascii())].append(i)
        ids_parts, text_parts = [], []
        for (language, is_ascii), chosen in sorted(groups.items()):
            analyse = self._ascii_pass if is_ascii else self._regex_pass
            ids, text_of = analyse([texts[i].replace(_BREAK, " ") for i in chosen], language)
            ids_parts.append(ids)
            text_parts.append(np.asarray(chosen, dtype=np.int64)[text_of])
        if not ids_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(ids_parts), np.concatenate(text_parts)

    def _ascii_pass(self, texts: list[str], language: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        words = f" {_BREAK} ".join(texts).encode("ascii").translate(_ASCII).split()
        known = self._ascii_ids[language]
        for word in set(words).difference(known):
            known[word] = self._learn(word.decode("ascii"), language)
        return _located(np.fromiter(map(known.__getitem__, words), dtype=np.int64, count=len(words)))

    def _regex_pass(self, texts: list[str], language: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        words = tokens(_BREAK.join(texts))
        known = self._word_ids[language]
        for word in set(words).difference(known):
            self._learn(word, language)
        return _located(np.fromiter(map(known.__getitem__, words), dtype=np.int64, count=len(words)))


def _located(ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Words without the breaks, and which text (counting breaks) each word is in."""
    breaks = ids == _BREAK_ID
    text_of = np.cumsum(breaks)
    return ids[~breaks], text_of[~breaks]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
