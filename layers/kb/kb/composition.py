"""The one place a process chooses its adapters to the outside world: the clock each source is
judged by (and each API key), the blob stores and the workflow client. A deployed function uses these defaults.
Another runtime may install its own adapters before a handler is imported (the local stack's
test mode does, to shift or pin clocks and to stall or fail a task's storage)."""

from typing import TYPE_CHECKING, Any

from kb.blobs import BlobStore
from kb.ids import Clock, utcnow
from kb.workflows import Workflows

if TYPE_CHECKING:
    from kb.afterwork import AfterWork
    from kb.search.answers import AnswerProvider

__all__ = ["Adapters", "Clock", "adapters", "install"]


class Adapters:
    def clock(self, source_id: str) -> Clock:
        """Now, as the given source's grace windows and leases are judged."""
        return utcnow

    def key_clock(self, key_id: str) -> Clock:
        """Now, as the given API key's expiry and rate-limit windows are judged."""
        return utcnow

    def blob_store(self, s3: Any, bucket: str) -> BlobStore:
        return BlobStore(s3, bucket)

    def task_blob_store(self, s3: Any, bucket: str, source_id: str) -> BlobStore:
        """The storage a state-machine task (a run, a build) of the given source works through."""
        return self.blob_store(s3, bucket)

    def workflows(self, sfn: Any) -> Workflows:
        return Workflows(sfn)

    def answers(self, provider: "AnswerProvider") -> "AnswerProvider":
        """The answer provider the serving functions answer with: the configured one."""
        return provider

    def after_response(self) -> "AfterWork":
        """What runs a request's deferred work (its analytics) after its response: in Lambda, an
        internal extension (built once per process, at a handler's init: kb.afterwork.current)."""
        from kb.afterwork import for_lambda

        return for_lambda()

    def bedrock(self) -> Any:
        """bedrock-runtime, for the functions that embed or answer (created on first use)."""
        from kb.aws import get_bedrock  # boto3 only where it is needed

        return get_bedrock()

    def bedrock_agent_runtime(self) -> Any:
        """bedrock-agent-runtime, for the search function's reranker (created on first use)."""
        from kb.aws import get_bedrock_agent_runtime

        return get_bedrock_agent_runtime()


_installed = Adapters()


def adapters() -> Adapters:
    return _installed


def install(replacement: Adapters) -> None:
    """Replace the process's adapters (called by a runtime before any handler is imported)."""
    global _installed
    _installed = replacement
