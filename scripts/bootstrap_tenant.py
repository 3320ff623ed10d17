"""Create a tenant and its first admin key straight in the table, for a fresh deployment.

    .venv/bin/python scripts/bootstrap_tenant.py --table <TableName output> --name "Acme" [--region us-east-1]

Uses the ordinary AWS credential chain (AWS_PROFILE, ...). Prints the admin key once."""

import argparse
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "kb"))

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb.storage import Table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="the stack's TableName output")
    parser.add_argument("--name", required=True, help="the tenant's display name")
    parser.add_argument("--region", default=None)
    args = parser.parse_args()
    table = Table(boto3.client("dynamodb", region_name=args.region), args.table)
    created = bootstrap_tenant(KeyRepository(table), args.name)
    print(f"tenant:    {created.key.tenant_id}")
    print(f"admin key: {created.secret}")
    print("The key is shown once; store it in your secrets manager.")


if __name__ == "__main__":
    main()
