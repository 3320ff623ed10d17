"""Which analysis a text gets: the language an item or a query is analysed in.

A language tag (BCP 47: "de", "de-AT", "pt-BR", "zh-Hant") is reduced to its primary subtag; the
keyword index knows Snowball stemmers and stop-word lists for the languages in `ANALYSED`, and
segments Chinese, Japanese and Korean into character bigrams (kb.search.text). Any other tag is
analysed without stemming or stop words ("und"). An item without a language is detected: by
script for CJK, Greek and Arabic text, else by counting each language's stop words.
"""

import re
from collections import Counter
from functools import lru_cache

import stop_words

# Primary subtag -> Snowball stemmer (PyStemmer). Every one of these also has a stop-word list.
STEMMERS = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
CJK = frozenset({"zh", "ja", "ko"})  # segmented into bigrams, no stemming
ANALYSED = frozenset(STEMMERS) | CJK
UNDETERMINED = "und"  # BCP 47's own tag for "no known language": lower-cased words only
DEFAULT = "en"  # what a text with no evidence either way is taken for
ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id"}  # tags that name a language we analyse otherwise

# The English stop words Lucene's and Anserini's analyzers drop, plus a few from scikit-learn's list
# that carry nothing in a question ("what", "how", ...). Kept as they were before other languages
# came, so English results did not move.
ENGLISH_STOP_WORDS = frozenset(
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

_TAG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
_SAMPLE_CHARS = 1000  # detection reads the start of a text: enough words, bounded cost
_MIN_HITS = 2  # stop words a language needs in the sample before it is chosen over the default
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u06ff\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")


def normalise(tag: str | None) -> str | None:
    """The analysis a language tag asks for: a code of `ANALYSED`, `UNDETERMINED`, or None (no tag)."""
    if tag is None or not tag.strip():
        return None
    tag = tag.strip()
    if not _TAG.match(tag):
        return UNDETERMINED
    primary = tag.replace("_", "-").split("-")[0].lower()
    primary = ALIASES.get(primary, primary)
    return primary if primary in ANALYSED else UNDETERMINED


@lru_cache(maxsize=64)
def stop_words_of(language: str) -> frozenset[str]:
    if language == "en":
        return ENGLISH_STOP_WORDS
    if language not in STEMMERS:
        return frozenset()  # CJK: bigrams make word lists moot; undetermined: nothing is known
    return frozenset(word.lower() for word in stop_words.get_stop_words(STEMMERS[language]))


def resolve(declared: str | None, text: str, default: str | None = None) -> str:
    """The analysis for a text: its declared language, else the given default (a source's), else
    the detected one."""
    return normalise(declared) or normalise(default) or detect(text)


def detect(text: str) -> str:
    """The language of a text, from its first characters: the script for CJK, Greek, Arabic and
    Cyrillic; otherwise the language whose stop words it uses most (at least `_MIN_HITS` of them),
    else English. Stop words are what every sentence of a language is full of, so a paragraph is
    enough; a few words may not be, which is why queries are not detected (see SearchIndex).
    This runs for every item of a build, so the common cases are settled first, in C."""
    sample = text[:_SAMPLE_CHARS]
    if not sample.isascii() and _OTHER_SCRIPT.search(sample):
        by_script = _by_script(sample)
        if by_script:
            return by_script
    if _plainly_english(sample.lower()):
        return "en"
    return _by_ascii_stop_words(sample) if sample.isascii() else _by_stop_words(sample)


def _plainly_english(lowered: str) -> bool:
    """Three or more of English's commonest words that no other analysed language uses."""
    return sum(lowered.count(word) for word in _ENGLISH_MARKERS) >= _MIN_HITS + 1


_ENGLISH_MARKERS = (" the ", " and ", " with ", " that ", " which ")


def _by_script(sample: str) -> str | None:
    letters = len(_LETTER.findall(sample)) or 1
    if len(_KANA.findall(sample)) / letters > 0.05:
        return "ja"
    if len(_HANGUL.findall(sample)) / letters > 0.2:
        return "ko"
    if len(_HAN.findall(sample)) / letters > 0.2:
        return "zh"
    if len(_GREEK.findall(sample)) / letters > 0.3:
        return "el"
    if len(_ARABIC.findall(sample)) / letters > 0.3:
        return "ar"
    if len(_CYRILLIC.findall(sample)) / letters > 0.3:
        return "ru"  # the one Cyrillic language analysed
    return None


def _by_stop_words(sample: str) -> str:
    """Counts distinct telling words (a set intersection in C: this runs for every item of a build)."""
    telling = _telling_words()
    hits = Counter(telling[word] for word in set(_WORD.findall(sample.lower())) & telling.keys())
    if not hits:
        return DEFAULT
    best, count = max(hits.items(), key=lambda pair: (pair[1], pair[0] == DEFAULT))
    return best if count >= _MIN_HITS and count > hits[DEFAULT] else DEFAULT


def _by_ascii_stop_words(sample: str) -> str:
    """The same for ASCII text, split in C (bytes.translate), as most items of a build are."""
    telling = _telling_ascii_words()
    words = set(sample.encode("ascii").translate(_ASCII_LETTERS).split()) & telling.keys()
    hits = Counter(telling[word] for word in words)
    if not hits:
        return DEFAULT
    best, count = max(hits.items(), key=lambda pair: (pair[1], pair[0] == DEFAULT))
    return best if count >= _MIN_HITS and count > hits[DEFAULT] else DEFAULT


# bytes.translate table: ASCII letters lower-cased, everything else a space.
_ASCII_LETTERS = bytes(ord(chr(b).lower()) if chr(b).isalpha() else ord(" ") for b in range(256))


@lru_cache(maxsize=1)
def _telling_ascii_words() -> dict[bytes, str]:
    return {word.encode(): lang for word, lang in _telling_words().items() if word.isascii()}


@lru_cache(maxsize=1)
def _telling_words() -> dict[str, str]:
    """Word -> the one language whose stop word it is. A word on several lists ("a", "in", "die")
    is evidence for none of them and is left out."""
    lists = {lang: frozenset(w.lower() for w in stop_words.get_stop_words(name)) for lang, name in STEMMERS.items()}
    shared = Counter(word for words in lists.values() for word in words)
    return {word: lang for lang, words in lists.items() for word in words if shared[word] == 1}
