"""The fast tier: repositories and domain services in-process, against moto's in-memory DynamoDB
and S3 with the tables and buckets of template.yaml (no server, no stack): data bugs fail in
milliseconds here before the end-to-end tier ever starts."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from kb.blobs import BlobStore
from kb.cursors import CursorCodec
from kb.ids import iso_now, new_id
from kb.items.repository import ItemRepository
from kb.observability import metrics
from kb.snapshots.repository import SnapshotRepository
from kb.sources.models import Source
from kb.sources.repository import SourceRepository
from kb.storage import Table
from local.deploy import create_table
from local.emulator_fixes import (
    conditions_are_parsed_once,
    dynamodb_reads_answer_plain_json,
    query_partitions_only,
    serialize_dynamodb_requests,
    transactions_snapshot_their_items,
)
from local.template import read_template
from tests.helpers import ROOT

REGION = "us-east-1"


@dataclass
class Store:
    dynamodb: Any
    s3: Any
    table: Table
    blobs: BlobStore

    def objects(self) -> list[str]:
        return self.blobs.list_keys("")


@pytest.fixture(autouse=True)
def metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in every deployed function (the template sets it): Powertools flushes every 100 values.
    What a test counted is dropped after it, so no later test's handler flushes it."""
    monkeypatch.setattr(metrics.provider, "namespace", "KnowledgeBaseFast")
    yield
    metrics.clear_metrics()


@pytest.fixture
def store() -> Iterator[Store]:
    # The local stack's fixes of moto (thread-safe DynamoDB, O(items named) transactions), so
    # concurrent writers behave here as they do there and in AWS.
    serialize_dynamodb_requests()
    transactions_snapshot_their_items()
    conditions_are_parsed_once()
    dynamodb_reads_answer_plain_json()
    query_partitions_only()
    template = read_template(ROOT)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        tables = template.resources_of("AWS::DynamoDB::Table")
        for logical_id, props in tables.items():
            create_table(dynamodb, logical_id, props)
        for logical_id in template.resources_of("AWS::S3::Bucket"):
            s3.create_bucket(Bucket=logical_id.lower())
        yield Store(
            dynamodb, s3, Table(dynamodb, "KbTable", CursorCodec("fast-tier")), BlobStore(s3, "generationsbucket")
        )


@pytest.fixture
def sources(store: Store) -> SourceRepository:
    return SourceRepository(store.table)


@pytest.fixture
def items(store: Store) -> ItemRepository:
    return ItemRepository(store.table, store.blobs)


@pytest.fixture
def snapshots(store: Store) -> SnapshotRepository:
    return SnapshotRepository(store.table, store.blobs)


@pytest.fixture
def source(sources: SourceRepository) -> Source:
    created = Source(id=new_id("src"), tenant_id="ten_fast", name="fast", grace_days=7, created_at=iso_now())
    sources.create(created)
    return created
