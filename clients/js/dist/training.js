/** Training jobs (docs/training.md) and a source's evaluation set (docs/evaluation.md). */
import { KbError } from "./errors.js";
import { sleep } from "./http.js";
import { Paginator } from "./paging.js";
const seg = encodeURIComponent;
const ENDED = new Set(["completed", "failed", "cancelled"]);
export class Training {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Starts a job (every active source without `sourceIds`). Answers the queued job; pass
     * `wait: true` to poll it until it has ended (see `wait`). */
    async start(body = {}, options = {}) {
        const job = (await this.http.json("POST", "/v1/train", { ...options, body })).data.job;
        return options.wait === true ? this.wait(job.id, options) : job;
    }
    /** A job with its progress; without `jobId`, the tenant's latest. */
    async status(jobId, options = {}) {
        const query = jobId === undefined ? {} : { jobId };
        return (await this.http.json("GET", "/v1/train/status", { ...options, query })).data.job;
    }
    /** Newest first. */
    jobs(query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", "/v1/train/jobs", { ...options, query: { ...query, cursor } });
            return { items: data.jobs, nextCursor: data.nextCursor ?? null };
        });
    }
    /** Asks a job (default: the latest) to stop at its next safe point; it ends `cancelled`. */
    async cancel(jobId, options = {}) {
        const body = jobId === undefined ? {} : { jobId };
        return (await this.http.json("POST", "/v1/train/cancel", { ...options, body })).data.job;
    }
    /** Polls until the job is completed, failed or cancelled, and answers it whatever it ended as
     * (a failed job is not thrown: its sources say why). `wait_timeout` after `timeoutMs`. */
    async wait(jobId, options = {}) {
        const deadline = Date.now() + (options.timeoutMs ?? 600_000);
        let interval = options.pollIntervalMs ?? 250;
        for (;;) {
            const job = await this.status(jobId, { signal: options.signal });
            options.onProgress?.(job);
            if (ENDED.has(job.status))
                return job;
            if (Date.now() + interval > deadline) {
                throw new KbError(`training job ${jobId} is still ${job.status}`, { status: 200, code: "wait_timeout", body: job });
            }
            await sleep(interval, options.signal);
            interval = Math.min(2000, interval * 1.5);
        }
    }
}
export class Evaluation {
    http;
    constructor(http) {
        this.http = http;
    }
    path(sourceId, queryId) {
        const base = `/v1/sources/${seg(sourceId)}/evaluation/queries`;
        return queryId === undefined ? base : `${base}/${seg(queryId)}`;
    }
    /** Creates or replaces one query of the source's evaluation set. */
    async put(sourceId, queryId, body, options = {}) {
        return (await this.http.json("PUT", this.path(sourceId, queryId), { ...options, body })).data.query;
    }
    async get(sourceId, queryId, options = {}) {
        return (await this.http.json("GET", this.path(sourceId, queryId), options)).data.query;
    }
    /** By query id. */
    list(sourceId, query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", this.path(sourceId), { ...options, query: { ...query, cursor } });
            return { items: data.queries, nextCursor: data.nextCursor ?? null };
        });
    }
    /** Removes one query; answers what it was. */
    async delete(sourceId, queryId, options = {}) {
        return (await this.http.json("DELETE", this.path(sourceId, queryId), options)).data.query;
    }
}
