from typing import Literal

from pydantic import Field

from kb.evaluation.gate import EvaluationGate
from kb.evaluation.models import EvaluationGateRequest
from kb.generations.locations import ChunkLocation
from kb.items.models import MetadataValue
from kb.models import ApiModel, NoNullsRequest, RecordModel
from kb.runs.models import Progress, RunCounts, WorkStatus
from kb.sources.models import BuildSettings


class ManifestEntry(ApiModel):
    content_hash: str
    chunks_key: str
    # [start, end): the item's chunk document within the chunk pack `chunks_key` names (one object
    # per shard per build slice); None: the object is the item's alone (generations built before packs).
    chunks_range: tuple[int, int] | None = None
    chunk_count: int
    title: str
    url: str | None = None
    missing_since: str | None = None  # set: a tombstone that still serves until its grace ends
    segment: str | None = None  # the index segment holding this item's chunks


class SegmentRef(ApiModel):
    key: str
    chunk_count: int  # chunks written, live or not (compaction compares it with the live count)
    item_count: int
    # Chunks of this segment the manifest still serves: kept up to date by every apply, so a small
    # change need not read the whole manifest to decide on compaction. None in older manifests.
    live_chunk_count: int | None = None


class IndexInfo(ApiModel):
    segments: list[SegmentRef]
    embedding_model: str | None
    chunk_size: int
    chunk_overlap: int
    # What the chunks were cut with (None: built before settings were recorded, version 1).
    settings: BuildSettings | None = None


class ShardRef(ApiModel):
    """One shard of a manifest: the items whose id hashes to `index`, in a content-addressed object
    that every generation with the same entries there shares."""

    index: int
    key: str
    item_count: int
    chunk_count: int
    tombstone_count: int = 0


class ManifestShard(ApiModel):
    items: dict[str, ManifestEntry]


class Manifest(ApiModel):
    """A generation's applied state. Sharded (`shard_count` and `shards` set, `items` empty) since
    manifests outgrew one object; older generations hold every entry in `items`."""

    generation_id: str
    tenant_id: str
    source_id: str
    run_id: str
    base_generation_id: str | None
    staging_epoch: int
    created_at: str
    items: dict[str, ManifestEntry] = Field(default_factory=dict)
    index: IndexInfo | None = None
    shard_count: int | None = None
    shards: list[ShardRef] | None = None


class Chunk(ApiModel):
    id: str
    position: int
    text: str
    location: ChunkLocation | None = None  # None in chunk documents written before locations


class ChunkDocument(ApiModel):
    external_item_id: str
    content_hash: str
    title: str
    url: str | None
    tags: list[str]
    metadata: dict[str, MetadataValue]
    language: str | None
    chunks: list[Chunk]
    updated_at: str | None = None  # the item's updatedAt when this content was written (None: older documents)


class ManifestSummary(ApiModel):
    key: str
    item_count: int
    chunk_count: int
    tombstone_count: int = 0
    segment_count: int = 0
    embedding_model: str | None = None


# held: built, but an evaluation gate kept it from publishing (kb.evaluation); discarded: a held
# one its owner turned down.
GenerationStatus = Literal[WorkStatus, "held", "discarded"]


class Generation(RecordModel):
    """An apply's generation, recorded from the moment the apply is accepted: queued, running
    (with progress) while it builds, succeeded once published, failed with the error code."""

    id: str
    source_id: str
    tenant_id: str
    run_id: str
    base_generation_id: str | None = None
    status: GenerationStatus = "succeeded"
    counts: RunCounts
    progress: Progress | None = None
    manifest: ManifestSummary | None = None
    created_at: str
    completed_at: str | None = None
    error: str | None = None
    error_code: str | None = None
    # Written by the apply's last step after a publish (retention done): what a waiting apply
    # request reads. Internal: not part of the API.
    settled_at: str | None = Field(default=None, exclude=True)


class GenerationView(Generation):
    current: bool


class GenerationEnvelope(ApiModel):
    generation: GenerationView


class GenerationPage(ApiModel):
    generations: list[GenerationView]
    next_cursor: str | None = None


class ApplyTask(ApiModel):
    """The input of the apply state machine; the generation id is also the apply's lease owner."""

    tenant_id: str
    source_id: str
    run_id: str
    generation_id: str
    gate: EvaluationGate | None = None


class ApplyRequest(NoNullsRequest):
    """The optional body of an apply: a gate evaluates the candidate before it may publish."""

    gate: EvaluationGateRequest | None = None


class ReleaseTask(ApplyTask):
    """The release step's input: which failure led there (a build failure is announced)."""

    failure: str | None = None


class BuildResult(ApplyTask):
    manifest: ManifestSummary


class SliceSpec(ApiModel):
    """A share of a build: the plan's created/updated items [start, start + count)."""

    index: int
    start: int
    count: int


class BuildPlan(ApplyTask):
    """The planning step's output: the slices the state machine's Map builds, each in its own invocation."""

    slices: list[SliceSpec]


class SliceTask(ApplyTask):
    slice: SliceSpec


class SliceResult(ApiModel):
    """What a slice hands on (small, inside the state machine's payload limit): where its output is."""

    key: str
    item_count: int


class SliceOutput(ApiModel):
    """A slice's entries, pointing at the segment it wrote (stored in S3 until the build combines it)."""

    segment: SegmentRef | None
    items: dict[str, ManifestEntry]


class CombineTask(ApplyTask):
    """The combining step's input; without `slices` (a direct invocation) it builds every slice itself."""

    slices: list[SliceResult] | None = None


class ApplyResult(ApiModel):
    """published: this apply's generation serves; applying: still building, poll the generation;
    unchanged: the run changed nothing, so no generation was built and the current one answers;
    held: built, but its evaluation gate kept it from publishing (see its evaluation)."""

    status: Literal["published", "applying", "unchanged", "held"]
    generation_id: str
    counts: RunCounts


class RollbackResult(ApiModel):
    status: Literal["published"]
    generation_id: str
    previous_generation_id: str | None
