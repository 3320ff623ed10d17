import pytest
from pydantic import ValidationError

from kb.items.models import UpsertItemRequest


@pytest.mark.parametrize(
    "metadata",
    [{"": 1}, {"tiny": 1e-200}, {"huge": 1e130}, {"nan": float("nan")}, {"big": 10**40}],
)
def test_metadata_dynamodb_cannot_hold_exactly_is_a_validation_error(metadata):
    with pytest.raises(ValidationError):
        UpsertItemRequest(external_item_id="a", content="b", metadata=metadata)


def test_ordinary_metadata_is_accepted():
    item = UpsertItemRequest(external_item_id="a", content="b", metadata={"n": 1.5, "ok": True, "s": "x", "i": 7})
    assert item.metadata == {"n": 1.5, "ok": True, "s": "x", "i": 7}
