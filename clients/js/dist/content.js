/** Sources, their staging sets (items, batches, snapshots), runs, apply and generations. */
import { KbError } from "./errors.js";
import { pollUntilDone } from "./lifecycle.js";
import { Paginator } from "./paging.js";
const seg = encodeURIComponent;
// A batch or snapshot page: at most 1000 operations and 5 MiB; stay clear of the byte limit.
const PAGE_ITEMS = 1000;
const PAGE_BYTES = 4 * 1024 * 1024;
export function chunked(items) {
    const pages = [];
    let page = [];
    let bytes = 0;
    for (const item of items) {
        const size = new TextEncoder().encode(JSON.stringify(item)).length + 1;
        if (page.length > 0 && (page.length >= PAGE_ITEMS || bytes + size > PAGE_BYTES)) {
            pages.push(page);
            page = [];
            bytes = 0;
        }
        page.push(item);
        bytes += size;
    }
    if (page.length > 0)
        pages.push(page);
    return pages;
}
export class Sources {
    http;
    constructor(http) {
        this.http = http;
    }
    async create(body, options = {}) {
        return (await this.http.json("POST", "/v1/sources", { ...options, body })).data.source;
    }
    async get(sourceId, options = {}) {
        return (await this.http.json("GET", `/v1/sources/${seg(sourceId)}`, options)).data.source;
    }
    async update(sourceId, body, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}`;
        return (await this.http.json("PATCH", path, { ...options, body })).data.source;
    }
    /** Archive: keeps everything, stops serving. */
    async archive(sourceId, options = {}) {
        return (await this.http.json("DELETE", `/v1/sources/${seg(sourceId)}`, options)).data.source;
    }
    list(query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", "/v1/sources", { ...options, query: { ...query, cursor } });
            return { items: data.sources, nextCursor: data.nextCursor ?? null };
        });
    }
}
export class Items {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Upsert one item: `outcome` says created, updated, unchanged or restored. */
    async upsert(sourceId, item, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items`;
        return (await this.http.json("POST", path, { ...options, body: item })).data;
    }
    /** One batch request: at most 1000 operations (see `sync` for any number). */
    async batch(sourceId, body, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items/batch`;
        return (await this.http.json("POST", path, { ...options, body })).data;
    }
    async get(sourceId, externalItemId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items/${seg(externalItemId)}`;
        return (await this.http.json("GET", path, options)).data;
    }
    /** The item as the serving generation publishes it (what a run's change is compared with);
     * its text is rebuilt from the indexed chunks. A 404 when that generation does not hold it. */
    async published(sourceId, externalItemId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items/${seg(externalItemId)}/published`;
        return (await this.http.json("GET", path, options)).data.published;
    }
    async delete(sourceId, externalItemId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items/${seg(externalItemId)}`;
        return (await this.http.json("DELETE", path, options)).data;
    }
    list(sourceId, query = {}, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/items`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.items, nextCursor: data.nextCursor ?? null };
        });
    }
    async sync(sourceId, items, options = {}) {
        const signal = options.signal;
        if (!options.snapshot) {
            const total = { results: [], succeeded: 0, failed: 0 };
            for (const page of chunked(items)) {
                const result = await this.batch(sourceId, { items: page }, { signal });
                const offset = total.results.length;
                total.results.push(...result.results.map((r) => ({ ...r, index: r.index + offset })));
                total.succeeded += result.succeeded;
                total.failed += result.failed;
            }
            return total;
        }
        const base = `/v1/sources/${seg(sourceId)}/snapshots`;
        const begun = await this.http.json("POST", base, { signal });
        const snapshotId = begun.data.snapshot.id;
        try {
            for (const page of chunked(items)) {
                await this.http.json("POST", `${base}/${seg(snapshotId)}/items`, { signal, body: { items: page } });
            }
            const body = options.allowMassDeletion ? { allowMassDeletion: true } : {};
            const committed = await this.http.json("POST", `${base}/${seg(snapshotId)}/commit`, { signal, body });
            return committed.data.snapshot;
        }
        catch (error) {
            // A refused commit (mass_deletion) or a failed page leaves the snapshot open: close it so the
            // source can take another one, then report what went wrong.
            if (!(error instanceof KbError && error.code === "snapshot_closed")) {
                await this.http.json("POST", `${base}/${seg(snapshotId)}/abort`, {}).catch(() => undefined);
            }
            throw error;
        }
    }
}
export class Runs {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Starts a run (a diff of the staging set against the published generation) and, unless
     * `wait: false`, waits for it: a 202 is polled until the run succeeds (a failed run throws). */
    async create(sourceId, options = {}) {
        const answer = await this.http.json("POST", `/v1/sources/${seg(sourceId)}/runs`, options);
        const run = answer.data.run;
        if (answer.status !== 202 || options.wait === false)
            return run;
        const location = answer.headers.get("Location") ?? `/v1/sources/${seg(sourceId)}/runs/${seg(run.id)}`;
        return pollUntilDone(this.http, location, "run", "run_failed", options);
    }
    async get(sourceId, runId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/runs/${seg(runId)}`;
        return (await this.http.json("GET", path, options)).data.run;
    }
    list(sourceId, query = {}, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/runs`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.runs, nextCursor: data.nextCursor ?? null };
        });
    }
    /** Each change a run found (unchanged items are only counted). */
    changes(sourceId, runId, query = {}, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/runs/${seg(runId)}/changes`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.changes, nextCursor: data.nextCursor ?? null };
        });
    }
    /** Applies a run: builds and publishes a generation. Unless `wait: false`, a 202 (`applying`)
     * is polled until the generation is published, and answered as `published` with its counts (or
     * `held`: a `gate` kept it unpublished, see `generations.evaluation`); a failed build throws
     * with the generation's `errorCode`. */
    async apply(sourceId, runId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/runs/${seg(runId)}/apply`;
        const body = options.gate === undefined ? undefined : { gate: options.gate };
        const answer = await this.http.json("POST", path, { ...options, body });
        if (answer.status !== 202 || options.wait === false)
            return answer.data;
        const generationId = answer.data.generationId;
        const location = answer.headers.get("Location") ?? `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}`;
        const generation = await pollUntilDone(this.http, location, "generation", "build_failed", options);
        if (generation.status === "discarded") { // held, then discarded by someone before this wait saw it
            throw new KbError(`generation ${generationId} was held and discarded`, { status: 409, code: "generation_discarded", body: generation });
        }
        return { status: generation.status === "held" ? "held" : "published", generationId, counts: generation.counts };
    }
    /** Run, then apply that run: what a publish is. */
    async runAndApply(sourceId, options = {}) {
        const run = await this.create(sourceId, { ...options, wait: true });
        const result = await this.apply(sourceId, run.id, { ...options, wait: true });
        return { run, result };
    }
}
export class Generations {
    http;
    constructor(http) {
        this.http = http;
    }
    async get(sourceId, generationId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}`;
        return (await this.http.json("GET", path, options)).data.generation;
    }
    /** Newest first. */
    list(sourceId, query = {}, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.generations, nextCursor: data.nextCursor ?? null };
        });
    }
    async rollback(sourceId, generationId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}/rollback`;
        return (await this.http.json("POST", path, options)).data;
    }
    /** The report of a gated apply's evaluation (`not_evaluated` for one applied without a gate). */
    async evaluation(sourceId, generationId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}/evaluation`;
        return (await this.http.json("GET", path, options)).data.evaluation;
    }
    /** Publishes a held generation anyway (`evaluation_stale` once another one serves). */
    async publish(sourceId, generationId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}/publish`;
        return (await this.http.json("POST", path, options)).data;
    }
    async discard(sourceId, generationId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/generations/${seg(generationId)}/discard`;
        return (await this.http.json("POST", path, options)).data;
    }
}
