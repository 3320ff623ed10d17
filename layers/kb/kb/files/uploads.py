"""The uploads bucket: where each file's bytes land (`files/<tenant>/<source>/<fileId>`), the
presigned form POST that lets a client send them straight to S3, and reading them back."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

_PREFIX = "files/"


@dataclass(frozen=True)
class UploadKey:
    tenant_id: str
    source_id: str
    file_id: str

    def __str__(self) -> str:
        return f"{_PREFIX}{self.tenant_id}/{self.source_id}/{self.file_id}"

    @classmethod
    def parse(cls, key: str) -> "UploadKey | None":
        """From an S3 event's object key, which S3 sends URL-encoded (form encoding: a space is "+";
        moto encodes "/" too); None for a key that is not an upload's."""
        decoded = unquote_plus(key)
        parts = decoded.removeprefix(_PREFIX).split("/") if decoded.startswith(_PREFIX) else []
        return cls(*parts) if len(parts) == 3 and all(parts) else None


class ObjectMissing(Exception):
    pass


class UploadStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: UploadKey, data: bytes, content_type: str | None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.s3.put_object(Bucket=self.bucket, Key=str(key), Body=data, **extra)

    def presigned_post(self, key: UploadKey, size: int, expires_in: int) -> tuple[str, dict[str, str]]:
        """A form POST that S3 accepts only for this key and a body of exactly `size` bytes."""
        post = self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=str(key),
            Conditions=[["content-length-range", size, size]],
            ExpiresIn=expires_in,
        )
        return post["url"], {name: str(value) for name, value in post["fields"].items()}

    def read(self, key: UploadKey) -> bytes:
        try:
            body: bytes = self.s3.get_object(Bucket=self.bucket, Key=str(key))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ObjectMissing(str(key)) from error
            raise
        return body
