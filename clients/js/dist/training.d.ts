import { type RequestOptions, type Transport } from "./http.js";
import type { WaitOptions } from "./lifecycle.js";
import { Paginator } from "./paging.js";
import type { Body, EvaluationQuery, Query, TrainingJob } from "./types.js";
export interface TrainingWaitOptions extends WaitOptions {
    /** Called with the job after each poll (its `progress`: done of total). */
    onProgress?: (job: TrainingJob) => void;
}
export declare class Training {
    private readonly http;
    constructor(http: Transport);
    /** Starts a job (every active source without `sourceIds`). Answers the queued job; pass
     * `wait: true` to poll it until it has ended (see `wait`). */
    start(body?: Body<"/v1/train", "post">, options?: TrainingWaitOptions & RequestOptions): Promise<TrainingJob>;
    /** A job with its progress; without `jobId`, the tenant's latest. */
    status(jobId?: string, options?: RequestOptions): Promise<TrainingJob>;
    /** Newest first. */
    jobs(query?: Query<"/v1/train/jobs", "get">, options?: RequestOptions): Paginator<{
        id: string;
        tenantId: string;
        mode: "apply" | "rebuild";
        status: "queued" | "running" | "cancelling" | "completed" | "failed" | "cancelled";
        gate?: import("./schema.js").components["schemas"]["EvaluationGate"] | null;
        sources: import("./schema.js").components["schemas"]["TrainSource"][];
        progress: import("./schema.js").components["schemas"]["TrainProgress"];
        createdAt: string;
        startedAt?: string | null;
        completedAt?: string | null;
        cancelRequestedAt?: string | null;
    }>;
    /** Asks a job (default: the latest) to stop at its next safe point; it ends `cancelled`. */
    cancel(jobId?: string, options?: RequestOptions): Promise<TrainingJob>;
    /** Polls until the job is completed, failed or cancelled, and answers it whatever it ended as
     * (a failed job is not thrown: its sources say why). `wait_timeout` after `timeoutMs`. */
    wait(jobId: string, options?: TrainingWaitOptions): Promise<TrainingJob>;
}
export declare class Evaluation {
    private readonly http;
    constructor(http: Transport);
    private path;
    /** Creates or replaces one query of the source's evaluation set. */
    put(sourceId: string, queryId: string, body: Body<"/v1/sources/{sourceId}/evaluation/queries/{queryId}", "put">, options?: RequestOptions): Promise<EvaluationQuery>;
    get(sourceId: string, queryId: string, options?: RequestOptions): Promise<EvaluationQuery>;
    /** By query id. */
    list(sourceId: string, query?: Query<"/v1/sources/{sourceId}/evaluation/queries", "get">, options?: RequestOptions): Paginator<{
        id: string;
        sourceId: string;
        query: string;
        relevantItemIds: string[];
        language?: string | null;
        createdAt: string;
        updatedAt: string;
    }>;
    /** Removes one query; answers what it was. */
    delete(sourceId: string, queryId: string, options?: RequestOptions): Promise<EvaluationQuery>;
}
