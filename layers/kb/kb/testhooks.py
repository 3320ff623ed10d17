"""Per-source test hooks: a clock offset (so grace windows and leases need no waiting) and
injected faults. Read only when KB_TEST_HOOKS is on, which the deployed template never sets."""

from datetime import datetime, timedelta
from typing import Any

from kb.blobs import BlobStore
from kb.ids import utcnow
from kb.models import RecordModel
from kb.storage import Table


class TestHooks(RecordModel):
    __test__ = False  # not a pytest class

    clock_offset_seconds: float = 0.0
    build_delay_seconds: float = 0.0
    fail_build_after_writes: int | None = None
    apply_lease_seconds: int | None = None

    def now(self) -> datetime:
        return utcnow() + timedelta(seconds=self.clock_offset_seconds)


NO_HOOKS = TestHooks()


def hooks_key(source_id: str) -> tuple[str, str]:
    return f"SOURCE#{source_id}", "TESTHOOKS"


def load_hooks(table: Table, enabled: bool, source_id: str) -> TestHooks:
    if not enabled:
        return NO_HOOKS
    record = table.get(*hooks_key(source_id))
    return TestHooks.model_validate(record) if record else NO_HOOKS


class FaultyBlobStore(BlobStore):
    """A storage fault injected mid-build: writes fail after the first `healthy_writes`."""

    def __init__(self, inner: BlobStore, healthy_writes: int) -> None:
        super().__init__(inner.s3, inner.bucket)
        self.remaining = healthy_writes

    def _count_write(self, key: str) -> None:
        if self.remaining <= 0:
            raise OSError(f"injected storage fault writing {key}")
        self.remaining -= 1

    def put_json(self, key: str, document: Any) -> None:
        self._count_write(key)
        super().put_json(key, document)

    def put_bytes(self, key: str, body: bytes) -> None:
        self._count_write(key)
        super().put_bytes(key, body)
