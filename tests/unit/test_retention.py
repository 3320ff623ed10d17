"""Retention keeps rollback targets: failed builds never count against the published generations."""

from typing import Any

from kb.generations.models import ApplyTask, Generation, Manifest, ManifestSummary
from kb.generations.service import retain_generations
from kb.runs.models import RunCounts
from kb.sources.models import Source

SOURCE = Source(id="src_1", tenant_id="ten_1", name="s", created_at="t", current_generation_id="gen_p3", grace_days=7)


def generation(generation_id: str, status: str) -> Generation:
    manifest = ManifestSummary(key=f"m/{generation_id}", item_count=0, chunk_count=0) if status == "succeeded" else None
    return Generation(
        id=generation_id,
        source_id="src_1",
        tenant_id="ten_1",
        run_id="run_1",
        status=status,
        counts=RunCounts(),
        manifest=manifest,
        created_at="t",
    )


class Sources:
    def get(self, tenant_id: str, source_id: str) -> Source:
        return SOURCE


class Generations:
    def __init__(self, newest_first: list[Generation]) -> None:
        self.every = newest_first
        self.deleted: list[str] = []
        self.settled: list[str] = []

    def settle(self, source_id: str, generation_id: str) -> None:
        self.settled.append(generation_id)

    def all_newest_first(self, source_id: str) -> list[Generation]:
        return self.every

    def delete(self, generation: Generation) -> None:
        self.deleted.append(generation.id)


class Blobs:
    def get_json(self, key: str) -> Any:
        generation_id = key.removeprefix("m/")
        return Manifest(
            generation_id=generation_id,
            tenant_id="ten_1",
            source_id="src_1",
            run_id="run_1",
            base_generation_id=None,
            staging_epoch=0,
            created_at="t",
            items={},
        ).to_json_dict()

    def delete(self, keys: list[str]) -> None:
        pass

    def list_keys(self, prefix: str) -> list[str]:
        return []


def test_failed_builds_do_not_push_published_generations_out_of_retention():
    # Given three published generations under four newer failed builds and one still building
    generations = Generations(
        [generation("gen_q", "queued")]
        + [generation(f"gen_f{i}", "failed") for i in (4, 3, 2, 1)]
        + [generation(f"gen_p{i}", "succeeded") for i in (3, 2, 1)]
    )
    # When retention keeps 2
    task = ApplyTask(tenant_id="ten_1", source_id="src_1", run_id="run_1", generation_id="gen_p3")
    removed = retain_generations(task, Sources(), generations, Blobs(), keep=2)  # type: ignore[arg-type]
    # Then the two newest published stay, as do the two newest failed and the one building
    assert removed == generations.deleted == ["gen_p1", "gen_f2", "gen_f1"]


def test_retention_marks_the_apply_settled_as_its_last_write():
    # Given one published generation and nothing to remove
    generations = Generations([generation("gen_p3", "succeeded")])
    task = ApplyTask(tenant_id="ten_1", source_id="src_1", run_id="run_1", generation_id="gen_p3")
    # When retention runs for the apply that published it
    removed = retain_generations(task, Sources(), generations, Blobs(), keep=2)  # type: ignore[arg-type]
    # Then nothing went and the apply is marked settled, which a waiting request reads
    assert removed == [] and generations.settled == ["gen_p3"]
