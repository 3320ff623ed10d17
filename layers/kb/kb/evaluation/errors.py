"""The evaluation domain's errors (kb.http.errors maps their codes to HTTP)."""

from kb.errors import DomainError


class NotEvaluated(DomainError):
    """A generation that was never evaluated (applied without a gate, or built before gates)."""

    code = "not_evaluated"


class EvaluationSetFull(DomainError):
    code = "evaluation_set_full"


class GenerationNotHeld(DomainError):
    """Publish or discard asked of a generation that is not (or no longer) held."""

    code = "generation_not_held"


class EvaluationStale(DomainError):
    """A held generation was evaluated against a generation that no longer serves."""

    code = "evaluation_stale"
