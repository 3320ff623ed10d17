import type { RequestOptions, Transport } from "./http.js";
import { type WaitOptions } from "./lifecycle.js";
import { Paginator } from "./paging.js";
import type { ApplyResult, BatchResult, Body, EvaluationGate, EvaluationReport, HeldDecision, Query, Run, Snapshot, UpsertItemRequest } from "./types.js";
export declare function chunked<T>(items: readonly T[]): T[][];
export declare class Sources {
    private readonly http;
    constructor(http: Transport);
    create(body: Body<"/v1/sources", "post">, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        type?: "developer_api";
        graceDays: number;
        chunking?: import("./schema.js").components["schemas"]["Chunking"];
        language?: string | null;
        settingsVersion?: number;
        massDeletionThreshold?: number;
        status?: "active" | "archived";
        currentGenerationId?: string | null;
        openSnapshotId?: string | null;
        createdAt: string;
        updatedAt?: string | null;
        archivedAt?: string | null;
        publishing?: import("./schema.js").components["schemas"]["Publishing"];
        publishFailure?: import("./schema.js").components["schemas"]["PublishFailure"] | null;
        readonly publishPending: boolean;
    }>;
    get(sourceId: string, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        type?: "developer_api";
        graceDays: number;
        chunking?: import("./schema.js").components["schemas"]["Chunking"];
        language?: string | null;
        settingsVersion?: number;
        massDeletionThreshold?: number;
        status?: "active" | "archived";
        currentGenerationId?: string | null;
        openSnapshotId?: string | null;
        createdAt: string;
        updatedAt?: string | null;
        archivedAt?: string | null;
        publishing?: import("./schema.js").components["schemas"]["Publishing"];
        publishFailure?: import("./schema.js").components["schemas"]["PublishFailure"] | null;
        readonly publishPending: boolean;
    }>;
    update(sourceId: string, body: Body<"/v1/sources/{sourceId}", "patch">, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        type?: "developer_api";
        graceDays: number;
        chunking?: import("./schema.js").components["schemas"]["Chunking"];
        language?: string | null;
        settingsVersion?: number;
        massDeletionThreshold?: number;
        status?: "active" | "archived";
        currentGenerationId?: string | null;
        openSnapshotId?: string | null;
        createdAt: string;
        updatedAt?: string | null;
        archivedAt?: string | null;
        publishing?: import("./schema.js").components["schemas"]["Publishing"];
        publishFailure?: import("./schema.js").components["schemas"]["PublishFailure"] | null;
        readonly publishPending: boolean;
    }>;
    /** Archive: keeps everything, stops serving. */
    archive(sourceId: string, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        type?: "developer_api";
        graceDays: number;
        chunking?: import("./schema.js").components["schemas"]["Chunking"];
        language?: string | null;
        settingsVersion?: number;
        massDeletionThreshold?: number;
        status?: "active" | "archived";
        currentGenerationId?: string | null;
        openSnapshotId?: string | null;
        createdAt: string;
        updatedAt?: string | null;
        archivedAt?: string | null;
        publishing?: import("./schema.js").components["schemas"]["Publishing"];
        publishFailure?: import("./schema.js").components["schemas"]["PublishFailure"] | null;
        readonly publishPending: boolean;
    }>;
    list(query?: Query<"/v1/sources", "get">, options?: RequestOptions): Paginator<{
        id: string;
        tenantId: string;
        name: string;
        type?: "developer_api";
        graceDays: number;
        chunking?: import("./schema.js").components["schemas"]["Chunking"];
        language?: string | null;
        settingsVersion?: number;
        massDeletionThreshold?: number;
        status?: "active" | "archived";
        currentGenerationId?: string | null;
        openSnapshotId?: string | null;
        createdAt: string;
        updatedAt?: string | null;
        archivedAt?: string | null;
        publishing?: import("./schema.js").components["schemas"]["Publishing"];
        publishFailure?: import("./schema.js").components["schemas"]["PublishFailure"] | null;
        readonly publishPending: boolean;
    }>;
}
export declare class Items {
    private readonly http;
    constructor(http: Transport);
    /** Upsert one item: `outcome` says created, updated, unchanged or restored. */
    upsert(sourceId: string, item: UpsertItemRequest, options?: RequestOptions): Promise<{
        item: import("./schema.js").components["schemas"]["StagedItem"];
        outcome: "created" | "updated" | "unchanged" | "restored";
    }>;
    /** One batch request: at most 1000 operations (see `sync` for any number). */
    batch(sourceId: string, body: Body<"/v1/sources/{sourceId}/items/batch", "post">, options?: RequestOptions): Promise<{
        results: import("./schema.js").components["schemas"]["BatchItemResult"][];
        succeeded: number;
        failed: number;
    }>;
    get(sourceId: string, externalItemId: string, options?: RequestOptions): Promise<{
        item: import("./schema.js").components["schemas"]["StagedItem"];
        publication?: import("./schema.js").components["schemas"]["ItemPublication"] | null;
    }>;
    /** The item as the serving generation publishes it (what a run's change is compared with);
     * its text is rebuilt from the indexed chunks. A 404 when that generation does not hold it. */
    published(sourceId: string, externalItemId: string, options?: RequestOptions): Promise<{
        externalItemId: string;
        generationId: string;
        contentHash: string;
        title: string;
        url?: string | null;
        tags?: string[];
        metadata?: {
            [key: string]: string | number | boolean | (string | number | boolean)[];
        };
        language?: string | null;
        text: string;
        missingSince?: string | null;
    }>;
    delete(sourceId: string, externalItemId: string, options?: RequestOptions): Promise<{
        externalItemId: string;
        deleted: boolean;
    }>;
    list(sourceId: string, query?: Query<"/v1/sources/{sourceId}/items", "get">, options?: RequestOptions): Paginator<{
        externalItemId: string;
        title: string;
        url?: string | null;
        tags?: string[];
        contentHash: string;
        state: "active" | "missing" | "deleted";
        version: number;
        missingSince?: string | null;
        updatedAt: string;
    }>;
    /** Stages any number of items. As upserts (default): in batches, answering the results of
     * all of them (`index` counts across batches). With `snapshot: true`: as one snapshot, so the
     * staging set becomes exactly `items` (every other item goes missing, then is tombstoned by the
     * next run); answers the committed snapshot. Each request has its own Idempotency-Key. */
    sync(sourceId: string, items: readonly UpsertItemRequest[], options?: {
        snapshot?: false;
        signal?: AbortSignal;
    }): Promise<BatchResult>;
    sync(sourceId: string, items: readonly UpsertItemRequest[], options: {
        snapshot: true;
        allowMassDeletion?: boolean;
        signal?: AbortSignal;
    }): Promise<Snapshot>;
}
export declare class Runs {
    private readonly http;
    constructor(http: Transport);
    /** Starts a run (a diff of the staging set against the published generation) and, unless
     * `wait: false`, waits for it: a 202 is polled until the run succeeds (a failed run throws). */
    create(sourceId: string, options?: WaitOptions & RequestOptions): Promise<Run>;
    get(sourceId: string, runId: string, options?: RequestOptions): Promise<{
        id: string;
        sourceId: string;
        tenantId: string;
        status: "queued" | "running" | "succeeded" | "failed";
        discoveryComplete?: boolean;
        baseGenerationId?: string | null;
        counts?: import("./schema.js").components["schemas"]["RunCounts"];
        progress?: import("./schema.js").components["schemas"]["Progress"] | null;
        createdAt: string;
        completedAt?: string | null;
        error?: string | null;
        errorCode?: string | null;
        appliedGenerationId?: string | null;
        rebuild?: boolean;
        rebuildRequired?: boolean;
    }>;
    list(sourceId: string, query?: Query<"/v1/sources/{sourceId}/runs", "get">, options?: RequestOptions): Paginator<{
        id: string;
        sourceId: string;
        tenantId: string;
        status: "queued" | "running" | "succeeded" | "failed";
        discoveryComplete?: boolean;
        baseGenerationId?: string | null;
        counts?: import("./schema.js").components["schemas"]["RunCounts"];
        progress?: import("./schema.js").components["schemas"]["Progress"] | null;
        createdAt: string;
        completedAt?: string | null;
        error?: string | null;
        errorCode?: string | null;
        appliedGenerationId?: string | null;
        rebuild?: boolean;
        rebuildRequired?: boolean;
    }>;
    /** Each change a run found (unchanged items are only counted). */
    changes(sourceId: string, runId: string, query?: Query<"/v1/sources/{sourceId}/runs/{runId}/changes", "get">, options?: RequestOptions): Paginator<{
        externalItemId: string;
        change: "created" | "updated" | "deleted" | "tombstoned" | "purged" | "restored";
        contentHash?: string | null;
        missingSince?: string | null;
    }>;
    /** Applies a run: builds and publishes a generation. Unless `wait: false`, a 202 (`applying`)
     * is polled until the generation is published, and answered as `published` with its counts (or
     * `held`: a `gate` kept it unpublished, see `generations.evaluation`); a failed build throws
     * with the generation's `errorCode`. */
    apply(sourceId: string, runId: string, options?: WaitOptions & RequestOptions & {
        gate?: EvaluationGate;
    }): Promise<ApplyResult>;
    /** Run, then apply that run: what a publish is. */
    runAndApply(sourceId: string, options?: WaitOptions): Promise<{
        run: Run;
        result: ApplyResult;
    }>;
}
export declare class Generations {
    private readonly http;
    constructor(http: Transport);
    get(sourceId: string, generationId: string, options?: RequestOptions): Promise<{
        id: string;
        sourceId: string;
        tenantId: string;
        runId: string;
        baseGenerationId?: string | null;
        status?: "queued" | "running" | "succeeded" | "failed" | "held" | "discarded";
        counts: import("./schema.js").components["schemas"]["RunCounts"];
        progress?: import("./schema.js").components["schemas"]["Progress"] | null;
        manifest?: import("./schema.js").components["schemas"]["ManifestSummary"] | null;
        createdAt: string;
        completedAt?: string | null;
        error?: string | null;
        errorCode?: string | null;
        current: boolean;
    }>;
    /** Newest first. */
    list(sourceId: string, query?: Query<"/v1/sources/{sourceId}/generations", "get">, options?: RequestOptions): Paginator<{
        id: string;
        sourceId: string;
        tenantId: string;
        runId: string;
        baseGenerationId?: string | null;
        status?: "queued" | "running" | "succeeded" | "failed" | "held" | "discarded";
        counts: import("./schema.js").components["schemas"]["RunCounts"];
        progress?: import("./schema.js").components["schemas"]["Progress"] | null;
        manifest?: import("./schema.js").components["schemas"]["ManifestSummary"] | null;
        createdAt: string;
        completedAt?: string | null;
        error?: string | null;
        errorCode?: string | null;
        current: boolean;
    }>;
    rollback(sourceId: string, generationId: string, options?: RequestOptions): Promise<{
        status: "published";
        generationId: string;
        previousGenerationId: string | null;
    }>;
    /** The report of a gated apply's evaluation (`not_evaluated` for one applied without a gate). */
    evaluation(sourceId: string, generationId: string, options?: RequestOptions): Promise<EvaluationReport>;
    /** Publishes a held generation anyway (`evaluation_stale` once another one serves). */
    publish(sourceId: string, generationId: string, options?: RequestOptions): Promise<HeldDecision>;
    discard(sourceId: string, generationId: string, options?: RequestOptions): Promise<HeldDecision>;
}
