"""An evaluation gate: the largest drop of a retrieval metric a candidate generation may show
against the one serving before it is held instead of published."""

from typing import Literal

from pydantic import Field

from kb.models import ApiModel


class EvaluationGate(ApiModel):
    metric: Literal["recall", "ndcg"] = "ndcg"
    k: int = Field(default=10, ge=1, le=100)
    max_drop: float = Field(default=0.0, ge=0.0, le=1.0)
