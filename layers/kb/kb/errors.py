"""Domain errors. Each carries a stable machine code; kb.http.errors maps codes to HTTP."""

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(DomainError):
    code = "unauthorized"


class InvalidKey(DomainError):
    code = "invalid_key"


class InsufficientScope(DomainError):
    code = "insufficient_scope"


class NotFound(DomainError):
    code = "not_found"


class ValidationFailed(DomainError):
    code = "validation_error"


class NotApplyEligible(DomainError):
    code = "not_apply_eligible"


class StaleBase(DomainError):
    code = "stale_base"


class ApplyConflict(DomainError):
    code = "apply_conflict"


class BuildFailed(DomainError):
    code = "build_failed"
