"""Knowledge Base API: the domain package shared by every function (deployed as a Lambda layer).

Every function that uses this package loads boto3 and Powertools (kb.aws, kb.observability), so
they are imported here, first: imported from the top of the chain, not three or four module
imports deep (a handler -> kb.http.app -> kb.snapstart -> kb.aws -> boto3), the same modules cost
less CPU to import (about 20-30 ms of a handler's cold import on CPython 3.13; bench/import_time.py
and docs/benchmarks.md, "Cold imports: where boto3 is imported from")."""

import aws_lambda_powertools  # noqa: F401
import boto3  # noqa: F401
