"""Auto publishing's state, kept on the source's record (conditional writes are the guards):

- `publishWindow` {owner: token, expiresAt}: the open debounce window. Only a write that finds no
  live window opens one (and sends its one message), so the changes of a window share a build.
- `publishWorker` {owner: token, expiresAt}: the worker building; taken with the window's token,
  only while no other worker and no apply holds the source.
- `publishFailures` (consecutive automatic publishes that failed) and `publishFailure` (the last
  one given up on, shown on the source and on its unpublished items)."""

from typing import Any

from botocore.exceptions import ClientError

from kb.sources.models import PublishFailure, Source
from kb.sources.repository import source_key
from kb.storage import Table

_FREE = "(attribute_not_exists({0}) OR {0}.expiresAt < :now)"


class PublishStateRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def _update(self, source: Source, update: str, condition: str | None, **expr: Any) -> dict[str, Any] | None:
        """The record as written, or None when the condition did not hold."""
        key = source_key(source.tenant_id, source.id)
        try:
            return self.table.update_returning(key["pk"], key["sk"], update, condition=condition, **expr)
        except ClientError as error:
            if self.table.is_condition_failure(error):
                return None
            raise

    def open_window(self, source: Source, token: str, expires_at: str, now: str, due_at: str) -> bool:
        """Open a window unless a live one is open (then the change is folded into it)."""
        return (
            self._update(
                source,
                "SET publishWindow = :window, publishDueAt = :due",
                "#status = :active AND publishing.#mode = :auto AND " + _FREE.format("publishWindow"),
                names={"#status": "status", "#mode": "mode"},
                values={
                    ":window": {"owner": token, "expiresAt": expires_at},
                    ":active": "active",
                    ":auto": "auto",
                    ":now": now,
                    ":due": due_at,
                },
            )
            is not None
        )

    def extend_window(self, source: Source, token: str, expires_at: str) -> bool:
        return (
            self._update(
                source,
                "SET publishWindow.expiresAt = :until",
                "publishWindow.#owner = :token",
                names={"#owner": "owner"},
                values={":token": token, ":until": expires_at},
            )
            is not None
        )

    def close_window(self, source: Source, token: str) -> None:
        self._update(
            source,
            "REMOVE publishWindow",
            "publishWindow.#owner = :token",
            names={"#owner": "owner"},
            values={":token": token},
        )

    def claim(self, source: Source, token: str, expires_at: str, now: str) -> Source | None:
        """Close window `token` and become the source's one worker, if no worker and no apply
        holds it. None: the window is not `token`'s any more, or the source is busy."""
        record = self._update(
            source,
            "SET publishWorker = :worker REMOVE publishWindow",
            "publishWindow.#owner = :token AND " + _FREE.format("publishWorker") + " AND " + _FREE.format("applyLease"),
            names={"#owner": "owner"},
            values={":token": token, ":worker": {"owner": token, "expiresAt": expires_at}, ":now": now},
        )
        return Source.model_validate(record) if record else None

    def release(self, source: Source, token: str) -> Source | None:
        """The source as released (None: the claim was not ours any more)."""
        record = self._update(
            source,
            "REMOVE publishWorker",
            "publishWorker.#owner = :token",
            names={"#owner": "owner"},
            values={":token": token},
        )
        return Source.model_validate(record) if record else None

    def count_failure(self, source: Source) -> int:
        record = self._update(source, "ADD publishFailures :one", "attribute_exists(pk)", values={":one": 1})
        return int(record.get("publishFailures", 1)) if record else 1

    def give_up(self, source: Source, failure: PublishFailure) -> None:
        self._update(
            source, "SET publishFailure = :failure", "attribute_exists(pk)", values={":failure": failure.to_json_dict()}
        )

    def succeeded(self, source: Source) -> None:
        self._update(source, "REMOVE publishFailures, publishFailure", "attribute_exists(pk)")
