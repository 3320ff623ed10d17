"""A local worker emulates Lambda's invoke phase with extensions: the caller gets the result as
soon as the handler returns, and the worker takes its next invocation only once the extension
(kb.afterwork's, registered at import) has run what the invocation deferred. (A worker process
on a two-line handler, no local stack.)"""

import json
import textwrap
from pathlib import Path

from local.workers import Worker, WorkerSpec
from tests.helpers import ROOT

HANDLER = """
import time
from pathlib import Path

from kb import afterwork

after = afterwork.current()  # registers at import, in Init, as kb.http.app.make_handler does
DONE, RELEASE = Path("done.txt"), Path("release")


def work():
    deadline = time.monotonic() + 30
    while not RELEASE.exists() and time.monotonic() < deadline:  # held until the test releases it
        time.sleep(0.01)
    DONE.write_text((DONE.read_text() if DONE.exists() else "") + "x")


def handler(event, context):
    try:
        RELEASE.unlink(missing_ok=True)
        after.defer(work)
        return {"registered": after.deferred, "done": DONE.read_text() if DONE.exists() else ""}
    finally:
        after.invocation_ended()
"""


def test_the_result_comes_before_the_deferred_work_and_the_next_invocation_after_it(tmp_path: Path) -> None:
    # Given a worker whose handler defers half a second of work per invocation
    (tmp_path / "app.py").write_text(textwrap.dedent(HANDLER))
    spec = WorkerSpec(
        function_name="deferring",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:deferring",
        code_dir=str(tmp_path),
        layer_dirs=(str(ROOT / "layers" / "kb"), str(ROOT)),
        handler="app.handler",
        environment={"PATH": "/usr/bin:/bin", "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "t"},
        timeout_seconds=30,
        memory_size=128,
    )
    worker = Worker(spec)
    try:
        # When it is invoked
        first, errored = worker.call({}, 60)
        # Then its extension registered, and the result came while the deferred work is held
        assert not errored, first
        assert json.loads(first) == {"registered": True, "done": ""}
        # And the worker is not free for another invocation until that work is done
        assert not worker.poll_settled(0.2)
        (tmp_path / "release").touch()
        assert worker.poll_settled(30)
        assert (tmp_path / "done.txt").read_text() == "x"
        # And the next invocation sees the first one's work done, exactly once, and defers its own
        second, _ = worker.call({}, 60)
        assert json.loads(second)["done"] == "x"
        (tmp_path / "release").touch()
        assert worker.poll_settled(30)
        assert (tmp_path / "done.txt").read_text() == "xx"
    finally:
        worker.stop()
