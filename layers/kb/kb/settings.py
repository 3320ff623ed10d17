"""Typed settings, read from the environment once per process (the template sets them)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    table_name: str = Field(validation_alias="TABLE_NAME")
    bucket_name: str = Field(validation_alias="BUCKET_NAME")
    idempotency_table_name: str = Field(default="", validation_alias="IDEMPOTENCY_TABLE_NAME")
    run_state_machine_arn: str = Field(default="", validation_alias="RUN_STATE_MACHINE_ARN")
    apply_state_machine_arn: str = Field(default="", validation_alias="APPLY_STATE_MACHINE_ARN")
    # How long an endpoint waits for its state machine before answering 202 with a status to poll.
    execution_wait_seconds: float = Field(default=20.0, validation_alias="EXECUTION_WAIT_SECONDS")
    chunk_size: int = Field(default=1000, validation_alias="CHUNK_SIZE")
    chunk_overlap: int = Field(default=100, validation_alias="CHUNK_OVERLAP")
    rate_limit_per_minute: int = Field(default=120, validation_alias="RATE_LIMIT_PER_MINUTE")
    apply_lease_seconds: int = Field(default=300, validation_alias="APPLY_LEASE_SECONDS")
    generation_retention: int = Field(default=10, ge=1, validation_alias="GENERATION_RETENTION")
    # Per-source test hooks (clock offset, injected faults); never enabled in a deployed stack.
    test_hooks_enabled: bool = Field(default=False, validation_alias="KB_TEST_HOOKS")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
