"""The extractive answer provider: sentences of the passages, cited, never invented."""

from kb.search.answers import NOT_FOUND_ANSWER, ExtractiveAnswers, Passage


def test_the_answer_is_the_passages_sentences_that_share_the_most_terms_with_the_question():
    passages = [
        Passage(1, "Refunds", "Refunds take 14 days. We love our customers. Refunds go to the original card."),
        Passage(2, "Shipping", "Shipping takes 3 days."),
    ]
    answer = ExtractiveAnswers(max_sentences=2).answer("How long do refunds take?", passages, []).text
    assert answer == "Refunds take 14 days. [1] Refunds go to the original card. [1]"


def test_sentences_keep_the_order_of_their_passages():
    passages = [Passage(1, "", "Shipping is free over 50 euros."), Passage(2, "", "Shipping takes 3 days.")]
    answer = ExtractiveAnswers().answer("shipping", passages, []).text
    assert answer == "Shipping is free over 50 euros. [1] Shipping takes 3 days. [2]"


def test_passages_sharing_nothing_with_the_question_give_no_answer():
    answer = ExtractiveAnswers().answer("capital of Mongolia", [Passage(1, "", "Refunds take 14 days.")], []).text
    assert answer == NOT_FOUND_ANSWER
