"""Filter expressions (`filters.where`): conditions on an item's fields combined with and / or /
not, validated when the request is read and evaluated against each item of a generation.

    {"and": [{"field": "metadata.year", "op": "gte", "value": 2023},
             {"or": [{"field": "language", "op": "eq", "value": "fr"},
                     {"not": {"field": "tags", "op": "contains", "value": "draft"}}]}]}
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from kb.models import RequestModel

MAX_DEPTH = 5  # and / or / not nested at most this deep (a bare condition is depth 0)
MAX_CONDITIONS = 50  # conditions in one expression, every branch counted
MAX_VALUES = 100  # values of in, nin, containsAny, containsAll

Operator = Literal[
    "eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists", "startsWith", "contains", "containsAny", "containsAll"
]
Scalar = str | int | float | bool
SCALAR_OPS = frozenset({"eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists", "startsWith"})
LIST_OPS = frozenset({"contains", "containsAny", "containsAll", "exists"})
FIELD_OPS: dict[str, frozenset[str]] = {
    "tags": LIST_OPS,
    "sourceId": SCALAR_OPS,
    "externalItemId": SCALAR_OPS,
    "language": SCALAR_OPS,
    "updatedAt": frozenset({"gt", "gte", "lt", "lte", "exists"}),
}
_METADATA_FIELD = re.compile(r"^metadata\.(.{1,128})$", re.DOTALL)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?)?$")


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and storable(value)


def storable(value: Any) -> bool:
    """Numbers as metadata can hold them (and a chat stores its filters): integers of at most 38
    digits, other numbers 0 or between 1e-130 and 1e126 in magnitude."""
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return abs(value) < 10**38
    return value == 0 or 1e-130 <= abs(value) < 1e126


def _check_value(field: str, op: str, value: Any) -> None:
    """The value's type as the operator takes it (ValueError, worded for the client, otherwise)."""
    if op == "exists":
        if not isinstance(value, bool):
            raise ValueError("exists takes true or false")
    elif op in ("in", "nin", "containsAny", "containsAll"):
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_VALUES or not all(map(_is_scalar, value)):
            raise ValueError(
                f"{op} takes a list of 1 to {MAX_VALUES} strings, numbers or booleans (numbers as metadata holds them)"
            )
    elif op == "startsWith":
        if not isinstance(value, str) or not value:
            raise ValueError("startsWith takes a non-empty string")
    elif op in ("gt", "gte", "lt", "lte"):
        if field == "updatedAt":
            if not isinstance(value, str) or not _ISO.match(value):
                raise ValueError(f"updatedAt {op} takes an ISO-8601 date or date-time, e.g. 2026-01-31T12:00:00Z")
        elif isinstance(value, bool) or not isinstance(value, str | int | float) or not storable(value):
            raise ValueError(f"{op} takes a number or a string (numbers as metadata holds them)")
    elif isinstance(value, list) and op in ("eq", "ne"):
        raise ValueError(
            f"{op} compares one value, not a list: for list values use contains, containsAny or containsAll"
        )
    elif not _is_scalar(value):
        raise ValueError(f"{op} takes a string, a number or a boolean (numbers as metadata holds them)")


class WhereCondition(RequestModel):
    """One condition on one field of an item."""

    field: str = Field(
        min_length=1,
        max_length=140,
        pattern=r"^(tags|sourceId|externalItemId|language|updatedAt|metadata\..{1,128})$",
        description="tags, sourceId, externalItemId, language, updatedAt, or metadata.<key>. Which operators "
        "a field takes and each operator's value: docs/search.md",
    )
    op: Operator
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _applies(self) -> "WhereCondition":
        if self.field.startswith("metadata."):
            if not _METADATA_FIELD.match(self.field):
                raise ValueError("a metadata field is metadata.<key>, the key 1 to 128 characters")
            allowed = SCALAR_OPS | LIST_OPS
        elif self.field in FIELD_OPS:
            allowed = FIELD_OPS[self.field]
        else:
            raise ValueError(f"unknown field {self.field!r}: use {', '.join(FIELD_OPS)} or metadata.<key>")
        if self.op not in allowed:
            raise ValueError(f"{self.field} takes {', '.join(sorted(allowed))}, not {self.op}")
        _check_value(self.field, self.op, self.value)
        return self


class WhereAnd(RequestModel):
    model_config = ConfigDict(json_schema_mode_override="validation")  # one schema, in requests and chats
    all_of: "list[Expression]" = Field(alias="and", min_length=1, max_length=MAX_CONDITIONS)


class WhereOr(RequestModel):
    model_config = ConfigDict(json_schema_mode_override="validation")  # one schema, in requests and chats
    any_of: "list[Expression]" = Field(alias="or", min_length=1, max_length=MAX_CONDITIONS)


class WhereNot(RequestModel):
    model_config = ConfigDict(json_schema_mode_override="validation")  # one schema, in requests and chats
    none_of: "Expression" = Field(alias="not")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return next((key for key in ("and", "or", "not") if key in value), "condition")
    kinds: dict[type, str] = {WhereAnd: "and", WhereOr: "or", WhereNot: "not"}
    return kinds.get(type(value), "condition")


Expression = Annotated[
    Annotated[WhereCondition, Tag("condition")]
    | Annotated[WhereAnd, Tag("and")]
    | Annotated[WhereOr, Tag("or")]
    | Annotated[WhereNot, Tag("not")],
    Discriminator(_kind),
]
for _model in (WhereAnd, WhereOr, WhereNot):
    _model.model_rebuild()


def check_size(expression: Expression) -> None:
    """At most MAX_DEPTH levels of and / or / not and MAX_CONDITIONS conditions (ValueError)."""
    conditions = 0
    stack: list[tuple[Expression, int]] = [(expression, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"where is nested deeper than {MAX_DEPTH} levels of and / or / not")
        if isinstance(node, WhereCondition):
            conditions += 1
        else:
            stack.extend((child, depth + 1) for child in _children(node))
    if conditions > MAX_CONDITIONS:
        raise ValueError(f"where has {conditions} conditions; at most {MAX_CONDITIONS}")


def _children(node: Expression) -> list[Expression]:
    if isinstance(node, WhereAnd):
        return node.all_of
    if isinstance(node, WhereOr):
        return node.any_of
    if isinstance(node, WhereNot):
        return [node.none_of]
    return []


@dataclass(frozen=True)
class ItemView:
    """What conditions read of an item."""

    source_id: str
    external_item_id: str
    tags: list[str]
    language: str | None
    updated_at: str | None
    metadata: dict[str, Any]

    def get(self, field: str) -> Any:
        if field.startswith("metadata."):
            return self.metadata.get(field[len("metadata.") :])
        return {
            "tags": self.tags or None,
            "sourceId": self.source_id,
            "externalItemId": self.external_item_id,
            "language": self.language,
            "updatedAt": self.updated_at,
        }[field]


Predicate = Callable[[ItemView], bool]


def compile_expression(node: Expression) -> Predicate:
    if isinstance(node, WhereAnd):
        parts = [compile_expression(child) for child in node.all_of]
        return lambda item: all(part(item) for part in parts)
    if isinstance(node, WhereOr):
        parts = [compile_expression(child) for child in node.any_of]
        return lambda item: any(part(item) for part in parts)
    if isinstance(node, WhereNot):
        inner = compile_expression(node.none_of)
        return lambda item: not inner(item)
    assert isinstance(node, WhereCondition)
    test = _test(node)
    field = node.field
    return lambda item: test(item.get(field))


def failures(node: Expression, item: ItemView, path: str = "where") -> list[str]:
    """The conditions `item` fails, named by their place in the request and what they say: an
    `and` names its failing parts, an `or` (every branch failed) and a `not` name themselves."""
    if isinstance(node, WhereAnd):
        return [f for n, child in enumerate(node.all_of) for f in failures(child, item, f"{path}.and[{n}]")]
    if compile_expression(node)(item):
        return []
    return [f"{path} ({describe(node)})"]


def describe(node: Expression) -> str:
    if isinstance(node, WhereAnd):
        return " and ".join(_grouped(child) for child in node.all_of)
    if isinstance(node, WhereOr):
        return " or ".join(_grouped(child) for child in node.any_of)
    if isinstance(node, WhereNot):
        return f"not {_grouped(node.none_of)}"
    assert isinstance(node, WhereCondition)
    return f"{node.field} {node.op} {json.dumps(node.value, ensure_ascii=False)}"


def _grouped(node: Expression) -> str:
    return describe(node) if isinstance(node, WhereCondition) else f"({describe(node)})"


def _same(value: Any, other: Any) -> bool:
    """Strict equality: "2024" is not 2024, true is not 1 (numbers of either kind compare)."""
    if isinstance(value, bool) or isinstance(other, bool):
        return isinstance(value, bool) and isinstance(other, bool) and value == other
    if isinstance(value, str) or isinstance(other, str):
        return isinstance(value, str) and isinstance(other, str) and value == other
    return bool(value == other)


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _test(condition: WhereCondition) -> Callable[[Any], bool]:
    """A test of one field value (None: the field is absent)."""
    op, expected = condition.op, condition.value
    if op == "exists":
        return lambda value: (value is not None) == expected
    if op in ("contains", "containsAny", "containsAll"):
        wanted = expected if isinstance(expected, list) else [expected]

        def holds(value: Any) -> bool:
            # A single metadata value is a list of one, so a key holding lists on some items and
            # single values on others is matched alike.
            values = value if isinstance(value, list) else [] if value is None else [value]
            found = [any(_same(v, w) for v in values) for w in wanted]
            return all(found) if op == "containsAll" else any(found)

        return holds
    # ne and nin are the negations of eq and in: an item without the field passes them. eq, in,
    # startsWith and the ranges compare one value: a list value never satisfies them (so passes ne
    # and nin); the contains operators match inside lists.
    if op == "eq":
        return lambda value: value is not None and _same(value, expected)
    if op == "ne":
        return lambda value: value is None or not _same(value, expected)
    options = expected if isinstance(expected, list) else [expected]
    if op == "in":
        return lambda value: value is not None and any(_same(value, o) for o in options)
    if op == "nin":
        return lambda value: value is None or not any(_same(value, o) for o in options)
    if op == "startsWith":
        prefix = str(expected)
        return lambda value: isinstance(value, str) and value.startswith(prefix)
    return _compare(condition)


def _compare(condition: WhereCondition) -> Callable[[Any], bool]:
    op, bound = condition.op, condition.value
    accepts: Callable[[Any, Any], bool] = {
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }[op]
    if condition.field == "updatedAt":
        moment = _instant(str(bound))

        def after(value: Any) -> bool:
            seen = _instant(value) if isinstance(value, str) else None
            return seen is not None and moment is not None and accepts(seen, moment)

        return after
    if isinstance(bound, str):
        return lambda value: isinstance(value, str) and accepts(value, bound)
    return lambda value: isinstance(value, int | float) and not isinstance(value, bool) and accepts(value, bound)
