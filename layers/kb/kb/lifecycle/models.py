from typing import Literal

from kb.models import ApiModel

# The key kinds the sweep owns: one object per write, never shared, never re-used.
SweptKind = Literal["content", "snapshots"]


class SweepTask(ApiModel):
    """One bounded step of the storage sweep, a message of the sweep queue. No tenant: list a page
    of tenants; a tenant: a page of its sources; a source and a kind: up to a few pages of its keys.
    `token` continues a listing where the step before stopped."""

    tenant_id: str | None = None
    source_id: str | None = None
    kind: SweptKind | None = None
    token: str | None = None
