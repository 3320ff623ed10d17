"""Test controls of the local stack (never deployed): per-source and per-key clocks, a latch on
a source's state-machine tasks and storage faults, and a latch or a fault in streamed answers
(with the stub Bedrock model as the answer provider on demand), for end-to-end tests that must not
wait on wall clocks or race a slow build.

The controls live in a table of their own in the emulator (not in template.yaml). A worker
process of a stack started with test controls installs `ControlledAdapters` as kb's adapters
before it imports its handler; a deployed function never has them. Tests set the controls with
`Controls`."""

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from kb.blobs import BlobStore
from kb.composition import Adapters, Clock, install
from kb.ids import parse_iso, to_iso, utcnow
from kb.storage import Table

# A held task gives up after this long, so a test that forgets to release cannot hang a worker.
HOLD_LIMIT_SECONDS = 120.0


class Controls:
    """One record per source (clockOffsetSeconds, holdTasks, failWritesAfter) and per API
    key (clockOffsetSeconds, clockPinnedAt)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def of(self, source_id: str) -> dict[str, Any]:
        return self.table.get(f"SOURCE#{source_id}", "CONTROLS") or {}

    def of_key(self, key_id: str) -> dict[str, Any]:
        return self.table.get(f"KEY#{key_id}", "CONTROLS") or {}

    def _set(self, source_id: str, **fields: Any) -> None:
        self.table.put({"pk": f"SOURCE#{source_id}", "sk": "CONTROLS", **self.of(source_id), **fields})

    def shift_key_clock(self, key_id: str, seconds: float) -> None:
        """The key's clock (its expiry, its rate-limit windows) runs `seconds` ahead from now on."""
        self.table.put({"pk": f"KEY#{key_id}", "sk": "CONTROLS", "clockOffsetSeconds": seconds})

    def pin_key_clock(self, key_id: str, at: datetime) -> None:
        """The key's clock stands still at `at`: all its requests fall in one rate-limit window."""
        self.table.put({"pk": f"KEY#{key_id}", "sk": "CONTROLS", "clockPinnedAt": to_iso(at)})

    def shift_clock(self, source_id: str, seconds: float) -> None:
        """The source's clock runs `seconds` ahead (grace windows, leases) from now on."""
        self._set(source_id, clockOffsetSeconds=seconds)

    def hold_tasks(self, source_id: str) -> None:
        """Runs and builds of the source wait before touching storage until `release_tasks`."""
        self._set(source_id, holdTasks=True)

    def release_tasks(self, source_id: str) -> None:
        self._set(source_id, holdTasks=False)

    def hold_reads_from(self, source_id: str, offset: int | None) -> None:
        """Ranged reads of the source's import files from byte `offset` on wait until `release_reads`
        (None: no such hold): an import is held mid-way, after the slices before `offset`."""
        self._set(source_id, holdReadsFrom=offset)

    def release_reads(self, source_id: str) -> None:
        self._set(source_id, holdReadsFrom=None)

    def fail_writes(self, source_id: str, after: int | None) -> None:
        """Runs and builds of the source fail to write to storage after `after` writes (None: they don't)."""
        self._set(source_id, failWritesAfter=after)

    def use_stub_model(self, on: bool) -> None:
        """The serving functions answer with the Bedrock provider over the stub model
        (local/stub_bedrock.py: Converse, ConverseStream) instead of the configured provider."""
        self.table.put({"pk": "ANSWERS", "sk": "CONTROLS", **self.of_answers(), "stubModel": on})

    def hold_answers(self) -> None:
        """Streamed answers stop after their first delta until `release_answers`."""
        self.table.put({"pk": "ANSWERS", "sk": "CONTROLS", **self.of_answers(), "holdAfterFirstDelta": True})

    def release_answers(self) -> None:
        self.table.put({"pk": "ANSWERS", "sk": "CONTROLS", **self.of_answers(), "holdAfterFirstDelta": False})

    def fail_answers(self, failing: bool) -> None:
        """Streamed answers fail after their first delta (the stub model: a stream error event)."""
        self.table.put({"pk": "ANSWERS", "sk": "CONTROLS", **self.of_answers(), "failAfterFirstDelta": failing})

    def of_answers(self) -> dict[str, Any]:
        return self.table.get("ANSWERS", "CONTROLS") or {}


class ControlledBlobStore(BlobStore):
    """A run's or build's storage as the source's controls shape it: held until released, then
    failing after N writes if so set."""

    def __init__(self, inner: BlobStore, controls: Controls, source_id: str) -> None:
        super().__init__(inner.s3, inner.bucket)
        self.controls = controls
        self.source_id = source_id
        self.started = False
        self.remaining_writes: int | None = None

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        deadline = time.monotonic() + HOLD_LIMIT_SECONDS
        while (current := self.controls.of(self.source_id)).get("holdTasks"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the held task of {self.source_id} was never released")
            time.sleep(0.05)
        self.remaining_writes = current.get("failWritesAfter")

    def _count_write(self, key: str) -> None:
        self._start()
        if self.remaining_writes is None:
            return
        if self.remaining_writes <= 0:
            raise OSError(f"injected storage fault writing {key}")
        self.remaining_writes -= 1

    def get_json(self, key: str) -> Any:
        self._start()
        return super().get_json(key)

    def get_bytes(self, key: str) -> bytes:
        self._start()
        return super().get_bytes(key)

    def get_range(self, key: str, start: int, end: int) -> bytes:
        self._start()
        deadline = time.monotonic() + HOLD_LIMIT_SECONDS
        while (held := self.controls.of(self.source_id).get("holdReadsFrom")) is not None and start >= held:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the held import read of {self.source_id} was never released")
            time.sleep(0.05)
        return super().get_range(key, start, end)

    def put_json(self, key: str, document: Any, tagging: str | None = None) -> None:
        self._count_write(key)
        super().put_json(key, document, tagging)

    def put_bytes(self, key: str, body: bytes) -> None:
        self._count_write(key)
        super().put_bytes(key, body)


class ControlledAnswers:
    """The configured answer provider, or (Controls.use_stub_model) the Bedrock provider over the
    stub model, chosen per call; streams held or failed after their first delta when the controls
    say so (the stub model does that itself, inside its ConverseStream)."""

    def __init__(self, configured: Any, controls: Controls) -> None:
        self.configured = configured
        self.controls = controls
        self._generative: Any = None

    def _current(self) -> Any:
        if not self.controls.of_answers().get("stubModel"):
            return self.configured
        if self._generative is None:
            from kb.search.answers import BedrockAnswers
            from local.stub_bedrock import StubBedrock

            self._generative = BedrockAnswers(StubBedrock(0, self.controls), "stub-model")
        return self._generative

    @property
    def mode(self) -> Any:
        return self._current().mode

    def answer(self, *args: Any) -> Any:
        return self._current().answer(*args)

    def rewrite(self, *args: Any) -> Any:
        return self._current().rewrite(*args)

    def stream(self, *args: Any) -> Iterator[Any]:
        provider = self._current()
        first = True
        for piece in provider.stream(*args):
            yield piece
            if first and isinstance(piece, str) and provider is self.configured:
                first = False
                self._after_first_delta()

    def _after_first_delta(self) -> None:
        from kb.errors import AnswerFailed

        deadline = time.monotonic() + HOLD_LIMIT_SECONDS
        while (state := self.controls.of_answers()).get("holdAfterFirstDelta"):
            if time.monotonic() > deadline:
                raise TimeoutError("the held answer was never released")
            time.sleep(0.05)
        if state.get("failAfterFirstDelta"):
            raise AnswerFailed("The answer provider failed: injected failure after the first delta")


class ControlledAdapters(Adapters):
    def __init__(self, controls: Controls) -> None:
        self.controls = controls

    def clock(self, source_id: str) -> Clock:
        def now() -> datetime:
            offset = float(self.controls.of(source_id).get("clockOffsetSeconds", 0))
            return utcnow() + timedelta(seconds=offset)

        return now

    def key_clock(self, key_id: str) -> Clock:
        def now() -> datetime:
            controls = self.controls.of_key(key_id)
            if "clockPinnedAt" in controls:
                return parse_iso(controls["clockPinnedAt"])
            return utcnow() + timedelta(seconds=float(controls.get("clockOffsetSeconds", 0)))

        return now

    def task_blob_store(self, s3: Any, bucket: str, source_id: str) -> BlobStore:
        return ControlledBlobStore(self.blob_store(s3, bucket), self.controls, source_id)

    def answers(self, provider: Any) -> Any:
        return ControlledAnswers(provider, self.controls)


def install_controls(table_name: str) -> None:
    """A worker's set-up (before its handler is imported): boto3 reaches the emulator through
    AWS_ENDPOINT_URL, as the handler's own clients do."""
    import boto3

    install(ControlledAdapters(Controls(Table(boto3.client("dynamodb"), table_name))))
