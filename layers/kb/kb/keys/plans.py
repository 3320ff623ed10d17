"""What a request is held to: its key's rate-limit windows and source ranges, resolved against
the tenant's plan and the deployment's defaults; and the tenant's quotas.

A warm function keeps each tenant's plan for PLAN_CACHE_SECONDS, so the plan costs no read on
most requests; a changed plan takes effect within that time."""

import ipaddress
import time
from collections.abc import Callable
from functools import lru_cache

from kb.errors import IpNotAllowed
from kb.keys.models import Plan, Principal, Quotas, RateLimits, Tenant
from kb.keys.repository import KeyRepository
from kb.quotas import TenantQuotas
from kb.ratelimit import Limits
from kb.settings import Settings
from kb.storage import Table

PLAN_CACHE_SECONDS = 60.0


class PlanCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.plans: dict[str, tuple[float, Plan]] = {}

    def plan(self, tenant_id: str, load: Callable[[str], Tenant | None]) -> Plan:
        cached = self.plans.get(tenant_id)
        if cached is not None and self.clock() - cached[0] < PLAN_CACHE_SECONDS:
            return cached[1]
        tenant = load(tenant_id)
        plan = tenant.plan if tenant else Plan()
        self.plans[tenant_id] = (self.clock(), plan)
        return plan


@lru_cache(maxsize=1)
def plan_cache() -> PlanCache:
    return PlanCache()


def resolve_limits(principal: Principal, plan: Plan, settings: Settings) -> Limits:
    """Each window: the key's figure, else its plan's, else the deployment's."""
    key = principal.rate_limits or RateLimits()
    of_plan = plan.rate_limits or RateLimits()
    key_minute = key.per_minute or principal.rate_limit_per_minute
    return Limits(
        minute=key_minute or of_plan.per_minute or settings.rate_limit_per_minute,
        hour=key.per_hour or of_plan.per_hour or settings.rate_limit_per_hour,
        day=key.per_day or of_plan.per_day or settings.rate_limit_per_day,
        bulk=key.bulk_per_minute or of_plan.bulk_per_minute or settings.bulk_rate_limit_per_minute,
    )


def resolve_quotas(plan: Plan, settings: Settings) -> Quotas:
    quotas = plan.quotas or Quotas()
    return Quotas(
        max_items=quotas.max_items or settings.quota_max_items,
        max_stored_bytes=quotas.max_stored_bytes or settings.quota_max_stored_bytes,
    )


def check_source_address(principal: Principal, address: str | None) -> None:
    """403 ip_not_allowed unless the key is unrestricted or `address` is in one of its ranges (an
    IPv4-mapped IPv6 address counts as its IPv4 address)."""
    if not principal.allowed_ips:
        return
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        raise IpNotAllowed("This key cannot be used from an unknown address.") from None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if any(parsed in ipaddress.ip_network(network) for network in principal.allowed_ips):
        return
    raise IpNotAllowed(f"This key cannot be used from {parsed}: it is restricted to its allowedIps.")


def tenant_quotas(table: Table, settings: Settings) -> TenantQuotas:
    """The quotas staging writes are held to: the tenant's plan's (cached), else the deployment's."""
    keys = KeyRepository(table)
    return TenantQuotas(lambda tenant_id: resolve_quotas(plan_cache().plan(tenant_id, keys.get_tenant), settings))
