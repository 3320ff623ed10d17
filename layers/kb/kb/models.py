"""Base model for everything that crosses the wire or is stored: camelCase on the outside."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid")

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)


class RequestModel(ApiModel):
    """Request bodies reject unknown fields, so a typo is a validation_error, not silently ignored."""


class RecordModel(ApiModel):
    """Stored records tolerate attributes they do not know (older or newer writers)."""

    model_config = ConfigDict(extra="ignore")
