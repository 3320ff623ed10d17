"""Turning text into index terms, and text into sentences (for extractive answers)."""

import re
from functools import lru_cache

import Stemmer  # PyStemmer: the Snowball stemmers, compiled

_WORD = re.compile(r"\w+", re.UNICODE)
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


def analyze_to_ids(text: str, term_ids: dict[str, int], vocabulary: list[str]) -> list[int]:
    """terms(text) as ids into `vocabulary`, which grows as new terms appear (the index builder's
    hot loop: one dict lookup per word once a word has been seen)."""
    out: list[int] = []
    stems = _STEMS
    for word in _WORD.findall(text.lower()):
        stem = stems[word] if word in stems else _stem(word)
        if stem is None:
            continue
        term_id = term_ids.get(stem)
        if term_id is None:
            term_id = term_ids[stem] = len(vocabulary)
            vocabulary.append(stem)
        out.append(term_id)
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
