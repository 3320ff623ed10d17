import pytest
from pydantic import ValidationError

from kb.items.models import UpsertItemRequest


@pytest.mark.parametrize(
    "metadata",
    [
        {"": 1},
        {"tiny": 1e-200},
        {"huge": 1e130},
        {"nan": float("nan")},
        {"big": 10**40},
        {"listed": [1, 10**40]},  # each element is checked as a single value is
        {"long": ["x" * 4097]},
        {"nested": [["a"]]},
        {"many": list(range(101))},
        {"object": [{"a": 1}]},
    ],
)
def test_metadata_dynamodb_cannot_hold_exactly_is_a_validation_error(metadata):
    with pytest.raises(ValidationError):
        UpsertItemRequest.model_validate({"externalItemId": "a", "content": "b", "metadata": metadata})


def test_ordinary_metadata_is_accepted():
    item = UpsertItemRequest(external_item_id="a", content="b", metadata={"n": 1.5, "ok": True, "s": "x", "i": 7})
    assert item.metadata == {"n": 1.5, "ok": True, "s": "x", "i": 7}


def test_list_metadata_is_kept_as_given():
    # Given lists of scalars, with mixed types, repeats and an empty list
    metadata = {"authors": ["Ada", "Grace", "Ada"], "mixed": [1, 2.5, True, "x"], "none": [], "max": list(range(100))}
    # When the item is read, then they are kept in order, as given
    assert (
        UpsertItemRequest.model_validate({"externalItemId": "a", "content": "b", "metadata": metadata}).metadata
        == metadata
    )


def test_list_metadata_counts_against_the_64_kib_fields_bound():
    # Given 20 lists of 100 strings of 40 characters (about 80 KiB of JSON), each list within bounds
    metadata = {f"k{n}": ["x" * 40] * 100 for n in range(20)}
    with pytest.raises(ValidationError, match="at most 64 KiB"):
        UpsertItemRequest.model_validate({"externalItemId": "a", "content": "b", "metadata": metadata})
