from datetime import UTC, datetime, timedelta

from kb.ids import to_iso
from kb.runs.diff import AppliedState, StagedState, diff_changes

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def kinds(changes):
    return {c.external_item_id: c.change for c in changes}


def test_an_item_never_applied_is_created():
    changes, counts = diff_changes({"faq-1": StagedState("active", "h1")}, {}, NOW, 7)
    assert kinds(changes) == {"faq-1": "created"}
    assert counts.created == 1


def test_untouched_applied_items_are_unchanged_and_a_new_hash_is_updated():
    applied = {"a": AppliedState("h1"), "b": AppliedState("h2")}
    changes, counts = diff_changes({"b": StagedState("active", "h3")}, applied, NOW, 7)
    assert kinds(changes) == {"b": "updated"}
    assert (counts.unchanged, counts.updated) == (1, 1)


def test_an_explicit_delete_of_an_applied_item_is_deleted():
    changes, counts = diff_changes({"a": StagedState("deleted", "h1")}, {"a": AppliedState("h1")}, NOW, 7)
    assert kinds(changes) == {"a": "deleted"} and counts.deleted == 1


def test_a_missing_item_inside_grace_is_tombstoned():
    since = to_iso(NOW - timedelta(days=1))
    changes, counts = diff_changes({"a": StagedState("missing", "h1", since)}, {"a": AppliedState("h1")}, NOW, 7)
    assert kinds(changes) == {"a": "tombstoned"} and changes[0].missing_since == since
    assert (counts.tombstoned, counts.unchanged) == (1, 0)


def test_a_tombstone_past_grace_is_purged_by_any_run():
    # Given an applied tombstone that went missing 8 days ago and a 7-day grace
    applied = {"a": AppliedState("h1", to_iso(NOW - timedelta(days=8))), "b": AppliedState("h2")}
    # When a run sees no staging change at all
    changes, counts = diff_changes({}, applied, NOW, 7)
    # Then the tombstone is purged
    assert kinds(changes) == {"a": "purged"}
    assert (counts.purged, counts.unchanged) == (1, 1)


def test_grace_zero_purges_at_once():
    since = to_iso(NOW)
    changes, _ = diff_changes({"a": StagedState("missing", "h1", since)}, {"a": AppliedState("h1")}, NOW, 0)
    assert kinds(changes) == {"a": "purged"}


def test_a_tombstone_whose_item_reappears_is_restored():
    applied = {"a": AppliedState("h1", to_iso(NOW - timedelta(days=1)))}
    changes, counts = diff_changes({"a": StagedState("active", "h1")}, applied, NOW, 7)
    assert kinds(changes) == {"a": "restored"} and counts.restored == 1
