from kb.generations.chunking import chunk_id, chunk_text


def test_short_content_is_one_chunk():
    assert chunk_text("Refunds take 14 days.", 100, 10) == ["Refunds take 14 days."]


def test_long_content_splits_on_sentences_within_the_size():
    # Given twenty sentences of about 30 characters
    text = " ".join(f"Sentence number {i} is here." for i in range(20))
    # When chunked at 100 characters with no overlap
    chunks = chunk_text(text, 100, 0)
    # Then every chunk fits, ends on a sentence, and together they keep every sentence
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith(".") for c in chunks)
    assert " ".join(chunks) == text


def test_overlap_repeats_the_tail_of_the_previous_chunk():
    text = " ".join(f"Fact {i} matters a lot." for i in range(10))
    chunks = chunk_text(text, 60, 20)
    assert len(chunks) > 1
    assert chunks[1].startswith(chunks[0][-20:].strip())


def test_an_over_long_sentence_is_cut_to_the_size():
    chunks = chunk_text("x" * 250, 100, 0)
    assert [len(c) for c in chunks] == [100, 100, 50]


def test_chunk_ids_are_stable_and_depend_on_item_position_and_content():
    assert chunk_id("faq-1", 0, "h") == chunk_id("faq-1", 0, "h")
    assert (
        len(
            {chunk_id("faq-1", 0, "h"), chunk_id("faq-1", 1, "h"), chunk_id("faq-2", 0, "h"), chunk_id("faq-1", 0, "g")}
        )
        == 4
    )
