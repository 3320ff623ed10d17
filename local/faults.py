"""Injected crashes for the webhook functions: a local-only adapter, installed by the local stack
(with --test-controls) into the worker processes of the fan-out and the sender. It wraps the
collaborators their composition roots build (the delivery log, the deliveries queue, the HTTP
poster); the domain code is unchanged and knows nothing of it.

A test arms a crash by creating the file <faults dir>/<point>--<webhook id>; the first process to
reach that point for that webhook removes the file (atomic: it fires once) and raises
InjectedCrash, as if the invocation died there."""

import dataclasses
import os
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

# Where a crash can be injected (the order a delivery goes through them).
POINTS = (
    "fan-out-after-recording",  # the delivery is recorded, its message not yet sent
    "send-before-attempt",  # the sender has the delivery, the receiver has not been called
    "send-after-attempt",  # the receiver answered, the attempt is not recorded
    "send-after-recording",  # the attempt is recorded, the retry not yet scheduled
)


class InjectedCrash(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Faults:
    directory: Path

    def arm(self, point: str, webhook_id: str) -> Path:
        if point not in POINTS:
            raise ValueError(f"unknown fault point {point}; known: {POINTS}")
        path = self.directory / f"{point}--{webhook_id}"
        path.touch()
        return path

    def crash_if_armed(self, point: str, webhook_id: str) -> None:
        try:
            os.unlink(self.directory / f"{point}--{webhook_id}")
        except FileNotFoundError:
            return
        raise InjectedCrash(f"injected crash: {point} ({webhook_id})")


class _Delegate:
    def __init__(self, inner: Any, faults: Faults) -> None:
        self._inner = inner
        self._faults = faults

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CrashingDeliveryLog(_Delegate):
    def create(self, delivery: Any) -> bool:
        created: bool = self._inner.create(delivery)
        self._faults.crash_if_armed("fan-out-after-recording", delivery.webhook_id)
        return created

    def record_attempt(self, delivery: Any, *args: Any) -> Any:
        recorded = self._inner.record_attempt(delivery, *args)
        self._faults.crash_if_armed("send-after-recording", delivery.webhook_id)
        return recorded


def crashing_poster(poster: Any, faults: Faults, webhook_ids_by_url: dict[str, str]) -> Any:
    def post(url: str, *args: Any) -> Any:
        webhook_id = webhook_ids_by_url.get(url, "")
        faults.crash_if_armed("send-before-attempt", webhook_id)
        result = poster(url, *args)
        faults.crash_if_armed("send-after-attempt", webhook_id)
        return result

    return post


class _UrlIndex(dict[str, str]):
    """The poster sees a URL; crashes are armed per webhook. The sender's repository lookups fill it."""


class IndexingRepository(_Delegate):
    def __init__(self, inner: Any, faults: Faults, index: _UrlIndex) -> None:
        super().__init__(inner, faults)
        self._index = index

    def get(self, tenant_id: str, webhook_id: str) -> Any:
        webhook = self._inner.get(tenant_id, webhook_id)
        if webhook is not None:
            self._index[webhook.url] = webhook.id
        return webhook


def install_fan_out(directory: str, module: ModuleType) -> None:
    """Wrap functions/fan_out_webhooks' composition root."""
    faults, build = Faults(Path(directory)), getattr(module, "fan_out")  # noqa: B009 - any handler module

    @lru_cache(maxsize=1)
    def fan_out() -> Any:
        built = build()
        return dataclasses.replace(built, log=CrashingDeliveryLog(built.log, faults))

    setattr(module, "fan_out", fan_out)  # noqa: B010 - replaced on the module the handler reads


def install_sender(directory: str, module: ModuleType) -> None:
    """Wrap functions/deliver_webhook's composition root."""
    faults, build, index = Faults(Path(directory)), getattr(module, "sender"), _UrlIndex()  # noqa: B009

    @lru_cache(maxsize=1)
    def sender() -> Any:
        built = build()
        return dataclasses.replace(
            built,
            repo=IndexingRepository(built.repo, faults, index),
            log=CrashingDeliveryLog(built.log, faults),
            poster=crashing_poster(built.poster, faults, index),
        )

    setattr(module, "sender", sender)  # noqa: B010
