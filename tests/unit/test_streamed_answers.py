"""Streamed answers: citations tied to the text they support, the extractive provider's stream,
its token budget and usage, and the offline rewriting of a chat's follow-ups."""

from kb.search.answers import (
    AnswerOptions,
    ExtractiveAnswers,
    Passage,
    Turn,
    Usage,
    approximate_tokens,
    heuristic_rewrite,
)
from kb.search.citations import CitationTracker, Span

PASSAGES = [
    Passage(1, "Refunds", "Refunds take 14 days. We love our customers. Refunds go to the original card."),
    Passage(2, "Shipping", "Shipping takes 3 days."),
]


def test_a_marker_cites_the_sentence_before_it():
    text = "Refunds take 14 days. [1] Refunds go to the card. [2]"
    spans = CitationTracker(2).feed(text)
    assert [(s.number, text[s.start : s.end]) for s in spans] == [
        (1, "Refunds take 14 days."),
        (2, "Refunds go to the card."),
    ]


def test_a_marker_inside_a_sentence_cites_the_words_before_it_and_adjacent_markers_share_them():
    text = "It takes 14 days [1][2]. Then it is paid [1]."
    spans = CitationTracker(2).feed(text)
    assert [(s.number, text[s.start : s.end]) for s in spans] == [
        (1, "It takes 14 days"),
        (2, "It takes 14 days"),
        (1, "Then it is paid"),
    ]


def test_a_marker_split_across_deltas_is_reported_once_when_complete():
    tracker = CitationTracker(3)
    assert tracker.feed("Refunds take 14 days. [") == []
    assert tracker.feed("Refunds take 14 days. [3] and") == [Span(3, 0, 21)]
    assert tracker.feed("Refunds take 14 days. [3] and more") == []


def test_a_marker_beyond_the_passages_is_not_a_citation():
    assert CitationTracker(2).feed("Made up [7].") == []


def test_the_extractive_stream_is_the_answer_sentence_by_sentence_then_its_usage():
    pieces = list(ExtractiveAnswers(max_sentences=2).stream("How long do refunds take?", PASSAGES, []))
    *deltas, usage = pieces
    assert deltas == ["Refunds take 14 days. [1]", " Refunds go to the original card. [1]"]
    read = "How long do refunds take?" + "".join(p.title + p.text for p in PASSAGES)
    assert usage == Usage(approximate_tokens(read), approximate_tokens("".join(str(d) for d in deltas)))


def test_max_tokens_keeps_the_whole_sentences_that_fit():
    answer = ExtractiveAnswers().answer("refunds", PASSAGES, [], AnswerOptions(max_tokens=8))
    assert answer.text == "Refunds take 14 days. [1]"
    assert answer.usage.output_tokens <= 8


def test_max_tokens_smaller_than_one_sentence_cuts_it_at_a_word():
    answer = ExtractiveAnswers().answer("refunds", PASSAGES, [], AnswerOptions(max_tokens=3))
    assert answer.text == "Refunds…"
    assert answer.usage.output_tokens <= 3


def test_a_follow_up_is_searched_with_the_previous_topic():
    history = [Turn("user", "How do I return an item?"), Turn("assistant", "Send it back. [1]", "return an item")]
    assert heuristic_rewrite("And how long does it take?", history) == "And how long does it take? return item"


def test_a_message_that_stands_alone_is_searched_as_it_is():
    history = [Turn("user", "How do I return an item?"), Turn("assistant", "Send it back. [1]", "return an item")]
    assert heuristic_rewrite("What are the shipping costs to Norway?", history) == (
        "What are the shipping costs to Norway?"
    )


def test_the_first_message_of_a_chat_is_searched_as_it_is():
    assert heuristic_rewrite("And how long does it take?", []) == "And how long does it take?"


def test_a_follow_up_saying_too_little_is_searched_with_the_previous_question():
    history = [Turn("user", "What are the shipping costs?"), Turn("assistant", "Five euros. [1]")]
    assert heuristic_rewrite("What about Norway?", history) == "What about Norway? shipping costs"
