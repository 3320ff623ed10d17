"""JSON documents in the generations bucket, under a per-tenant, per-source prefix."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

# The object tag a bucket lifecycle rule expires by (template.yaml: RunPlanRetentionDays).
RUN_PLAN_TAG = "kb-lifecycle=run-plan"


def source_prefix(tenant_id: str, source_id: str) -> str:
    return f"tenants/{tenant_id}/sources/{source_id}/"


def plan_key(tenant_id: str, source_id: str, run_id: str) -> str:
    return f"{source_prefix(tenant_id, source_id)}runs/{run_id}/plan.json"


def manifest_key(tenant_id: str, source_id: str, generation_id: str) -> str:
    return f"{source_prefix(tenant_id, source_id)}generations/{generation_id}/manifest.json"


def manifest_shard_key(prefix: str, digest: str) -> str:
    """Content-addressed: a shard of a manifest that did not change is shared with its predecessor."""
    return f"{prefix}manifests/{digest}.json"


def segment_key(prefix: str, generation_id: str, number: int) -> str:
    """A generation's own index segments (number 0: what changed, or was re-indexed; 1: a
    compaction's merge; 2: its slices' segments merged into one; 100 + i: slice i's own)."""
    return f"{prefix}segments/{generation_id}-{number}.npz"


def slice_output_key(tenant_id: str, source_id: str, run_id: str, generation_id: str, index: int) -> str:
    return f"{source_prefix(tenant_id, source_id)}runs/{run_id}/builds/{generation_id}/slice-{index}.json"


def content_key(tenant_id: str, source_id: str, external_item_id: str, write_id: str) -> str:
    """One object per write of an item's offloaded content: no two records ever share one."""
    item_digest = hashlib.sha256(external_item_id.encode()).hexdigest()[:32]
    return f"{source_prefix(tenant_id, source_id)}content/{item_digest}/{write_id}.txt"


def sections_key(tenant_id: str, source_id: str, external_item_id: str, write_id: str) -> str:
    """An item's offloaded sections, one object per write, beside its content (swept alike)."""
    item_digest = hashlib.sha256(external_item_id.encode()).hexdigest()[:32]
    return f"{source_prefix(tenant_id, source_id)}content/{item_digest}/{write_id}.json"


def snapshot_content_key(tenant_id: str, source_id: str, snapshot_id: str, write_id: str) -> str:
    return f"{source_prefix(tenant_id, source_id)}snapshots/{snapshot_id}/{write_id}.txt"


@dataclass(frozen=True)
class StoredObject:
    key: str
    last_modified: datetime


@dataclass(frozen=True)
class ListedPage:
    """One page of a listing: objects, or (with a delimiter) the common prefixes below `prefix`."""

    objects: list[StoredObject]
    prefixes: list[str]
    next_token: str | None  # None: the listing is complete


class BlobStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def put_json(self, key: str, document: Any, tagging: str | None = None) -> None:
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        tags = {"Tagging": tagging} if tagging else {}
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json", **tags)

    def get_json(self, key: str) -> Any:
        return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def put_bytes(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/octet-stream")

    def get_bytes(self, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def put_text(self, key: str, text: str) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=text.encode(), ContentType="text/plain; charset=utf-8")

    def get_text(self, key: str) -> str:
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body.decode()

    def upload_url(self, key: str, expires_in: int) -> str:
        """A presigned PUT of `key` (bulk imports are uploaded this way, never through the API)."""
        url: str = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url

    def size(self, key: str) -> int | None:
        """The object's size, or None if there is no such object."""
        try:
            return int(self.s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes start..end-1 of the object (a ranged GET; the range on the wire is inclusive)."""
        reply = self.s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        body: bytes = reply["Body"].read()
        return body

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            objects = [{"Key": key} for key in keys[start : start + 1000]]
            self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return keys

    def list_page(
        self, prefix: str, token: str | None = None, delimiter: str | None = None, max_keys: int = 1000
    ) -> ListedPage:
        """One ListObjectsV2 call: a caller that must stay bounded continues from next_token."""
        args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if token:
            args["ContinuationToken"] = token
        if delimiter:
            args["Delimiter"] = delimiter
        page = self.s3.list_objects_v2(**args)
        objects = [StoredObject(obj["Key"], obj["LastModified"]) for obj in page.get("Contents", [])]
        prefixes = [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        return ListedPage(objects, prefixes, page.get("NextContinuationToken") if page.get("IsTruncated") else None)
