"""Per-tenant quotas on the staging sets: active items, and their content's bytes.

The tenant's usage is one record (TENANT#<t> / USAGE: storedItems, storedBytes). Every staging
write that changes it moves it in the same DynamoDB transaction as the item's record
(kb.items.repository), and a write that adds is conditioned on the room left, so concurrent
writes can never together pass a quota, and a refused write leaves nothing behind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kb.errors import QuotaExceeded
from kb.keys.models import Quotas


@dataclass(frozen=True)
class Usage:
    items: int = 0
    bytes: int = 0

    def __sub__(self, other: "Usage") -> "Usage":
        return Usage(self.items - other.items, self.bytes - other.bytes)

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.items + other.items, self.bytes + other.bytes)

    def __bool__(self) -> bool:
        return bool(self.items or self.bytes)


def usage_key(tenant_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}", "sk": "USAGE"}


def refusal(quotas: Quotas, delta: Usage, current: Usage) -> QuotaExceeded:
    """The error of a write that would pass a quota (the one it passes, named with its limit)."""
    if delta.items > 0 and quotas.max_items is not None and current.items + delta.items > quotas.max_items:
        return QuotaExceeded(
            f"This write would take the tenant past its quota of {quotas.max_items} stored items "
            "(active items); delete some or ask for a larger plan."
        )
    return QuotaExceeded(
        f"This write would take the tenant past its quota of {quotas.max_stored_bytes} stored bytes "
        "(the content of active items); delete some or ask for a larger plan."
    )


class TenantQuotas:
    """Counts every change of usage; refuses the ones past the tenant's quotas (`limits`: its
    plan's, or the deployment's defaults; None: count only)."""

    def __init__(self, limits: Callable[[str], Quotas] | None = None) -> None:
        self.limits = limits

    def quotas_of(self, tenant_id: str) -> Quotas:
        return self.limits(tenant_id) if self.limits else Quotas()

    def operation(self, tenant_id: str, delta: Usage) -> dict[str, Any]:
        """The transaction's Update of the tenant's usage by `delta`; conditioned on the room
        left when it adds (QuotaExceeded at once if `delta` alone is past a quota)."""
        quotas = self.quotas_of(tenant_id)
        values: dict[str, Any] = {":items": delta.items, ":bytes": delta.bytes}
        conditions = []
        for name, added, limit in (
            ("storedItems", delta.items, quotas.max_items),
            ("storedBytes", delta.bytes, quotas.max_stored_bytes),
        ):
            if added <= 0 or limit is None:
                continue
            if added > limit:
                raise refusal(quotas, delta, Usage())
            values[f":{name}Room"] = limit - added
            conditions.append(f"(attribute_not_exists({name}) OR {name} <= :{name}Room)")
        update: dict[str, Any] = {
            "Key": usage_key(tenant_id),
            "UpdateExpression": "ADD storedItems :items, storedBytes :bytes",
            "ExpressionAttributeValues": values,
        }
        if conditions:
            update["ConditionExpression"] = " AND ".join(conditions)
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": update}

    def refused(self, tenant_id: str, delta: Usage, record: dict[str, Any] | None) -> QuotaExceeded:
        """The error of a refused Update, from the usage record it found."""
        record = record or {}
        current = Usage(int(record.get("storedItems", 0)), int(record.get("storedBytes", 0)))
        return refusal(self.quotas_of(tenant_id), delta, current)
