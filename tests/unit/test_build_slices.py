"""A build is cut into slices for the state machine's Map: about 8, none under 500 items nor over 5,000."""

from typing import Any

import pytest

from kb.generations.build import plan_build
from kb.generations.models import ApplyTask
from kb.runs.models import ItemChange, Progress, RunPlan

TASK = ApplyTask(tenant_id="t", source_id="s", run_id="r", generation_id="g")


class Sources:
    def get(self, tenant_id: str, source_id: str) -> object:
        return object()


class Blobs:
    def __init__(self, plan: RunPlan) -> None:
        self.plan = plan

    def get_json(self, key: str) -> Any:
        return self.plan.to_json_dict()


class Generations:
    started: Progress | None = None

    def start(self, source_id: str, generation_id: str, progress: Progress) -> None:
        self.started = progress


def planned(created: int, deleted: int = 0) -> tuple[list[tuple[int, int]], Progress | None]:
    changes = [ItemChange(external_item_id=f"c{i}", change="created", content_hash="h") for i in range(created)]
    changes += [ItemChange(external_item_id=f"d{i}", change="deleted") for i in range(deleted)]
    plan = RunPlan(run_id="r", base_generation_id=None, base_epoch=0, staging_epoch=1, changes=changes)
    generations = Generations()
    result = plan_build(TASK, Sources(), Blobs(plan), generations)  # type: ignore[arg-type]
    return [(s.start, s.count) for s in result.slices], generations.started


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        (0, []),
        (10, [(0, 10)]),
        (1200, [(0, 500), (500, 500), (1000, 200)]),
        (20000, [(i * 2500, 2500) for i in range(8)]),
        (100000, [(i * 5000, 5000) for i in range(20)]),
    ],
)
def test_the_change_is_cut_into_bounded_slices_covering_every_built_item(created, expected):
    # Given a plan creating `created` items (and deleting some, which no slice builds)
    slices, started = planned(created, deleted=3)
    # Then the slices cover exactly the built items, in order, and the build counts them
    assert slices == expected
    assert started == Progress(items_total=created)
