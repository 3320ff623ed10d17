"""Create a tenant and its first admin key straight in the table, for a fresh deployment.

    .venv/bin/python scripts/bootstrap_tenant.py --table <TableName output> --name "Acme" [--region us-east-1]
        [--tier standard|premium|enterprise] [--max-keys 1000] [--max-rate-limit-per-minute 10000]

Uses the ordinary AWS credential chain (AWS_PROFILE, ...). Prints the admin key once."""

import argparse
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "kb"))

from kb.keys.models import PLAN_TIERS, Plan, tier_plan
from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb.storage import Table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="the stack's TableName output")
    parser.add_argument("--name", required=True, help="the tenant's display name")
    parser.add_argument("--region", default=None)
    default = Plan()
    parser.add_argument("--max-keys", type=int, default=default.max_keys, help="the plan: keys not revoked")
    parser.add_argument(
        "--max-rate-limit-per-minute",
        type=int,
        default=default.max_rate_limit_per_minute,
        help="the plan: the highest rateLimitPerMinute a key may have",
    )
    parser.add_argument(
        "--tier",
        choices=sorted(PLAN_TIERS),
        default=None,
        help="the plan's rate limits and quotas (docs/limits.md); default: the deployment's defaults",
    )
    args = parser.parse_args()
    table = Table(boto3.client("dynamodb", region_name=args.region), args.table)
    plan = Plan(max_keys=args.max_keys, max_rate_limit_per_minute=args.max_rate_limit_per_minute)
    if args.tier:
        bound = max(args.max_rate_limit_per_minute, tier_plan(args.tier).max_rate_limit_per_minute)
        plan = tier_plan(args.tier, max_keys=args.max_keys, max_rate_limit_per_minute=bound)
    created = bootstrap_tenant(KeyRepository(table), args.name, plan=plan)
    print(f"tenant:    {created.key.tenant_id}")
    print(f"admin key: {created.secret}")
    print("The key is shown once; store it in your secrets manager.")


if __name__ == "__main__":
    main()
