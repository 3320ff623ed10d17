"""SnapStart on published versions: Lambda initializes a version once, snapshots its memory and
restores new execution environments from that snapshot instead of importing everything again.

Before the snapshot we do what the first request would otherwise pay for: resolve the settings,
import the X-Ray SDK and patch botocore, build the AWS clients. Nothing here opens a connection
(it would be dead after a restore) or fixes a secret or an id (every restored environment would
share it; ids and secrets come from `secrets`, i.e. os.urandom, at request time). Credentials are
not resolved here: botocore fetches them on the first call, from what the runtime provides after
the restore. After a restore, `random` is reseeded, or every environment restored from one
snapshot would draw the same backoff jitter.

The hooks come from `snapshot_restore_py`, which Lambda's Python runtimes ship; elsewhere (tests,
the local stack) there is nothing to register with and priming simply happens on first use.
"""

import importlib
import random
from collections.abc import Callable
from typing import Any

from kb.aws import SERVICES, get_clients
from kb.observability import xray_recorder
from kb.settings import get_settings

Hook = Callable[[], None]
_installed: set[str] = set()


def prime_common() -> None:
    """What every function of the layer needs (clients it does not touch cost only snapshot time)."""
    get_settings()
    xray_recorder()
    clients = get_clients()
    for name in SERVICES:
        getattr(clients, name)


def reseed() -> None:
    random.seed()


def _runtime_hooks() -> Any:
    try:
        return importlib.import_module("snapshot_restore_py")
    except ImportError:
        return None


def install(name: str, before: Hook, after: Hook | None = None) -> bool:
    """Register `before` (and `after`) once per process under `name`; False outside Lambda."""
    hooks = _runtime_hooks()
    if hooks is None or name in _installed:
        return False
    _installed.add(name)
    hooks.register_before_snapshot(before)
    if after is not None:
        hooks.register_after_restore(after)
    return True


def install_common() -> bool:
    return install("common", prime_common, reseed)
