"""Highlights: where a query's terms are in a result's text. A word is highlighted when the
keyword analysis (kb.search.text) turns it into one of the query's terms, so "refunds" in the text
is highlighted for the query "refund" and stop words never are."""

import re

from kb.search.text import terms

_WORD = re.compile(r"\w+", re.UNICODE)


def highlight_spans(query: str, text: str) -> list[tuple[int, int]]:
    """(start, end) offsets into `text`, in Unicode code points, of the words matching the query."""
    wanted = set(terms(query))
    if not wanted:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if wanted.intersection(terms(m.group()))]
