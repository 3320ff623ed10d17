"""Base model for everything that crosses the wire or is stored: camelCase on the outside."""

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    # defer_build: a model's validator is built when first used, not when its module is imported.
    # Every function imports most of the domain's models and uses a few; building all of them
    # cost ~50 ms of each cold start.
    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid", defer_build=True
    )

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)


class RequestModel(ApiModel):
    """Request bodies reject unknown fields, so a typo is a validation_error, not silently ignored,
    and take JSON types as the schema declares them: `false` is not 0 and "5" is not 5."""

    model_config = ConfigDict(strict=True)


class RecordModel(ApiModel):
    """Stored records tolerate attributes they do not know (older or newer writers); they are read
    back from DynamoDB, not from a client, so they keep pydantic's conversions."""

    model_config = ConfigDict(extra="ignore", strict=False)


def without_nulls(schema: dict[str, Any]) -> None:
    """Optional properties are left out, never null: drop null from each property's types."""
    for name, prop in schema.get("properties", {}).items():
        choices = prop.get("anyOf")
        if not choices or {"type": "null"} not in choices:
            continue
        rest = [choice for choice in choices if choice != {"type": "null"}]
        del prop["anyOf"]
        if len(rest) == 1:
            prop.update(rest[0])
        else:
            prop["anyOf"] = rest
        if prop.get("default", "") is None:
            del prop["default"]
        schema["properties"][name] = prop


class NoNullsRequest(RequestModel):
    """A body whose optional fields are given a value or left out: null is refused, so "left out"
    has one spelling and cross-field rules (at least one field, exactly one of) hold as written."""

    model_config = ConfigDict(json_schema_extra=without_nulls)

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        fields = type(self).model_fields
        nulls = sorted(fields[name].alias or name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)}: leave the field out instead of sending null")
        return self


def _patch_schema(schema: dict[str, Any]) -> None:
    without_nulls(schema)
    schema["minProperties"] = 1


class PatchRequest(NoNullsRequest):
    """A PATCH body: at least one field to change."""

    model_config = ConfigDict(json_schema_extra=_patch_schema)

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            names = ", ".join(field.alias or name for name, field in type(self).model_fields.items())
            raise ValueError(f"give at least one of {names}")
        return self


def integral_number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A JSON Schema integer is any number with no fraction (100.0 too); bools and text stay refused.
# Bounds go before the validator (Annotated[int, Field(ge=1), IntegralNumber]) when the type is
# optional: after it, on the union, they do not reach the schema.
IntegralNumber = BeforeValidator(integral_number)
JsonInt = Annotated[int, IntegralNumber]


def _iso_datetime_text(value: object) -> object:
    if not isinstance(value, str | datetime):
        raise ValueError("must be an ISO 8601 date-time string")
    return value


# JSON has no date-time type: the one request field that is text parsed as a date-time (strict
# mode would refuse the text; lax mode alone would also take a number as epoch seconds).
IsoDatetime = Annotated[datetime, Field(strict=False), BeforeValidator(_iso_datetime_text)]
