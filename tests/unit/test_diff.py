from kb.runs.diff import diff_states


def test_an_item_never_applied_is_created():
    # Given an empty applied state
    # When a staged item is diffed
    changes, counts = diff_states({"faq-1": "h1"}, {})
    # Then it is created
    assert [(c.external_item_id, c.change) for c in changes] == [("faq-1", "created")]
    assert counts.created == 1


def test_the_same_hash_is_unchanged_and_a_new_hash_is_updated():
    # Given two applied items
    applied = {"a": "h1", "b": "h2"}
    # When one keeps its hash and the other changes
    changes, counts = diff_states({"a": "h1", "b": "h3"}, applied)
    # Then one is unchanged and one updated
    assert {c.external_item_id: c.change for c in changes} == {"a": "unchanged", "b": "updated"}
    assert (counts.unchanged, counts.updated) == (1, 1)


def test_an_applied_item_missing_from_staging_is_deleted():
    changes, counts = diff_states({}, {"gone": "h1"})
    assert [(c.external_item_id, c.change, c.content_hash) for c in changes] == [("gone", "deleted", None)]
    assert counts.deleted == 1
