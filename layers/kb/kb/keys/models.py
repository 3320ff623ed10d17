from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel, RequestModel

Scope = Literal["read", "write", "admin"]
# A scope grants everything the scopes below it grant: read < write < admin.
SCOPE_RANK: dict[str, int] = {"read": 0, "write": 1, "admin": 2}


class ApiKey(RecordModel):
    id: str
    tenant_id: str
    name: str
    scope: Scope
    status: Literal["active"] = "active"
    created_at: str


class StoredApiKey(ApiKey):
    secret_hash: str


class CreateKeyRequest(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    scope: Scope = "write"


class CreatedKey(ApiModel):
    key: ApiKey
    secret: str = Field(description="The full API key. Shown once; only a hash is stored.")


class Principal(ApiModel):
    tenant_id: str
    key_id: str
    scope: Scope
