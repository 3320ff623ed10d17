"""Filter expressions (filters.where): each operator, and / or / not, the names explain gives a
failed condition, and the 400s of expressions that cannot be evaluated."""

import pytest
from pydantic import ValidationError

from kb.search.expressions import MAX_CONDITIONS, ItemView, compile_expression, failures
from kb.search.models import SearchFilters

ITEM = ItemView(
    source_id="src_a",
    external_item_id="docs/setup/teams",
    tags=["faq", "public"],
    language="en",
    updated_at="2026-03-01T10:00:00.000Z",
    metadata={"year": 2024, "kind": "guide", "score": 4.5, "draft": False},
)


def where(expression):
    filters = SearchFilters.model_validate({"where": expression})
    assert filters.where is not None
    return filters.where


def holds(expression, item=ITEM):
    return compile_expression(where(expression))(item)


def cond(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("metadata.kind", "eq", "guide"), True),
        (cond("metadata.year", "eq", "2024"), False),  # a string is not the number 2024
        (cond("metadata.draft", "eq", 0), False),  # false is not 0
        (cond("metadata.kind", "ne", "faq"), True),
        (cond("metadata.kind", "ne", "guide"), False),
        (cond("metadata.absent", "ne", "guide"), True),  # ne is not-eq: a missing field passes
        (cond("metadata.kind", "in", ["faq", "guide"]), True),
        (cond("metadata.kind", "in", ["faq"]), False),
        (cond("metadata.kind", "nin", ["faq"]), True),
        (cond("metadata.kind", "nin", ["guide"]), False),
        (cond("metadata.year", "gt", 2023), True),
        (cond("metadata.year", "gt", 2024), False),
        (cond("metadata.year", "gte", 2024), True),
        (cond("metadata.score", "lt", 5), True),
        (cond("metadata.score", "lte", 4.4), False),
        (cond("metadata.kind", "gte", "f"), True),  # strings compare lexically
        (cond("metadata.year", "gte", "2000"), False),  # a string bound never meets a number
        (cond("metadata.kind", "exists", True), True),
        (cond("metadata.absent", "exists", True), False),
        (cond("metadata.absent", "exists", False), True),
        (cond("metadata.kind", "startsWith", "gui"), True),
        (cond("metadata.kind", "startsWith", "Gui"), False),
        (cond("tags", "contains", "faq"), True),
        (cond("tags", "containsAny", ["x", "public"]), True),
        (cond("tags", "containsAll", ["faq", "public"]), True),
        (cond("tags", "containsAll", ["faq", "x"]), False),
        (cond("tags", "exists", True), True),
        (cond("metadata.kind", "contains", "guide"), True),  # a single value is a list of one
        (cond("metadata.kind", "contains", "faq"), False),
        (cond("sourceId", "eq", "src_a"), True),
        (cond("sourceId", "in", ["src_b"]), False),
        (cond("externalItemId", "startsWith", "docs/setup/"), True),
        (cond("language", "eq", "en"), True),
        (cond("language", "nin", ["en", "de"]), False),
        (cond("updatedAt", "gte", "2026-03-01"), True),
        (cond("updatedAt", "lt", "2026-03-01T11:00:00+01:00"), False),  # 10:00 UTC, as given
        (cond("updatedAt", "gt", "2026-02-28T23:59:59Z"), True),
        (cond("updatedAt", "exists", True), True),
    ],
)
def test_each_operator(condition, expected):
    assert holds(condition) is expected


def test_and_or_not_combine():
    year = cond("metadata.year", "gte", 2024)
    french = cond("language", "eq", "fr")
    assert holds({"and": [year, {"not": french}]}) is True
    assert holds({"and": [year, french]}) is False
    assert holds({"or": [french, year]}) is True
    assert holds({"or": [french, {"not": year}]}) is False
    assert holds({"not": {"or": [french, {"not": year}]}}) is True


def test_an_item_without_a_language_or_an_update_time_fails_conditions_on_them():
    bare = ItemView("src_a", "x", [], None, None, {})
    assert holds(cond("language", "eq", "en"), bare) is False
    assert holds(cond("updatedAt", "gte", "2000-01-01"), bare) is False
    assert holds(cond("language", "exists", False), bare) is True
    assert holds(cond("tags", "exists", False), bare) is True  # no tags at all


def test_explain_names_the_failing_parts_of_an_and_and_a_whole_or_or_not():
    expression = where(
        {
            "and": [
                cond("metadata.year", "gte", 2020),
                cond("language", "eq", "fr"),
                {"or": [cond("tags", "contains", "x"), cond("metadata.kind", "eq", "faq")]},
                {"not": cond("tags", "contains", "faq")},
            ]
        }
    )
    assert failures(expression, ITEM) == [
        'where.and[1] (language eq "fr")',
        'where.and[2] (tags contains "x" or metadata.kind eq "faq")',
        'where.and[3] (not tags contains "faq")',
    ]
    assert failures(where(cond("metadata.year", "gte", 2020)), ITEM) == []


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (cond("metadata.year", "between", [1, 2]), "Input should be 'eq'"),
        (cond("colour", "eq", "red"), "String should match pattern"),
        (cond("tags", "eq", "faq"), "tags takes contains, containsAll, containsAny, exists, not eq"),
        (cond("updatedAt", "gte", "yesterday"), "ISO-8601"),
        (cond("metadata.year", "gt", True), "gt takes a number or a string"),
        (cond("metadata.year", "in", 2024), "in takes a list of 1 to 100"),
        (cond("metadata.year", "in", []), "in takes a list of 1 to 100"),
        (cond("metadata.kind", "startsWith", 1), "startsWith takes a non-empty string"),
        (cond("metadata.kind", "exists", "yes"), "exists takes true or false"),
        (cond("metadata.kind", "eq", ["a"]), "eq compares one value, not a list: for list values use contains"),
        (cond("metadata.kind", "ne", ["a"]), "ne compares one value, not a list"),
        (cond("metadata.kind", "contains", ["a"]), "contains takes a string, a number or a boolean"),
        (cond("metadata.kind", "containsAll", [["a"]]), "Input should be a valid string"),  # no lists of lists
        ({"and": [cond("language", "eq", "en")], "field": "x"}, "Extra inputs are not permitted"),
        ({"not": {"not": {"not": {"not": {"not": {"not": cond("language", "eq", "en")}}}}}}, "deeper than 5"),
        ({"or": [cond("language", "eq", str(n)) for n in range(MAX_CONDITIONS)]}, None),
        (
            {"and": [{"or": [cond("language", "eq", "a")] * 30}, {"or": [cond("language", "eq", "b")] * 30}]},
            "at most 50",
        ),
    ],
)
def test_an_expression_that_cannot_be_evaluated_is_refused_with_the_reason(expression, message):
    if message is None:  # the largest allowed
        where(expression)
        return
    with pytest.raises(ValidationError, match=message):
        SearchFilters.model_validate({"where": expression})


def test_the_old_filter_shape_and_where_combine():
    filters = SearchFilters.model_validate(
        {"tags": {"any": ["faq"]}, "metadata": {"year": {"gte": 2020}}, "where": cond("language", "eq", "en")}
    )
    assert filters.tags is not None and filters.where is not None and filters.metadata


@pytest.mark.parametrize("number", [10**38, 1e-200, 1e130])
def test_a_number_metadata_could_not_hold_is_refused(number):
    with pytest.raises(ValidationError, match="numbers as metadata holds them"):
        SearchFilters.model_validate({"where": cond("metadata.n", "eq", number)})


@pytest.mark.parametrize(
    "condition", [{"lt": -1e-181}, {"gte": 1e130}, {"eq": 1e-200}, {"in": [1, 10**38]}], ids=["lt", "gte", "eq", "in"]
)
def test_the_old_filter_shape_refuses_a_number_metadata_could_not_hold(condition):
    # (a chat stores its filters in DynamoDB, whose numbers stop at 38 digits and 1e-130 to 1e126)
    with pytest.raises(ValidationError, match="between 1e-130 and 1e126"):
        SearchFilters.model_validate({"metadata": {"n": condition}})


LISTED = ItemView(
    source_id="src_a",
    external_item_id="paper",
    tags=[],
    language=None,
    updated_at=None,
    metadata={"authors": ["Ada", "Grace"], "years": [2024, 2025], "none": [], "flags": [True]},
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("metadata.authors", "contains", "Ada"), True),
        (cond("metadata.authors", "contains", "Alan"), False),
        (cond("metadata.years", "contains", "2024"), False),  # strictly typed, as eq
        (cond("metadata.flags", "contains", 1), False),  # true is not 1
        (cond("metadata.authors", "containsAny", ["Alan", "Grace"]), True),
        (cond("metadata.authors", "containsAny", ["Alan"]), False),
        (cond("metadata.years", "containsAll", [2025, 2024]), True),
        (cond("metadata.years", "containsAll", [2024, 2026]), False),
        (cond("metadata.none", "containsAny", ["Ada"]), False),
        (cond("metadata.none", "exists", True), True),  # an empty list is still there
        (cond("metadata.authors", "eq", "Ada"), False),  # eq compares one value
        (cond("metadata.authors", "ne", "Ada"), True),  # so ne, its negation, holds
        (cond("metadata.authors", "in", ["Ada", "Grace"]), False),
        (cond("metadata.authors", "nin", ["Ada"]), True),
        (cond("metadata.authors", "startsWith", "A"), False),
        (cond("metadata.years", "gte", 2000), False),
    ],
)
def test_list_metadata_is_matched_by_containment_and_never_by_single_value_operators(condition, expected):
    assert holds(condition, LISTED) is expected


def test_not_contains_keeps_the_lists_without_the_value():
    assert holds({"not": cond("metadata.authors", "contains", "Ada")}, LISTED) is False
    assert holds({"not": cond("metadata.authors", "contains", "Alan")}, LISTED) is True


def test_explain_names_a_failed_containment_condition():
    expression = where({"and": [cond("metadata.authors", "containsAll", ["Ada", "Alan"])]})
    assert failures(expression, LISTED) == ['where.and[0] (metadata.authors containsAll ["Ada", "Alan"])']
