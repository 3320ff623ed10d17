import { Paginator } from "./paging.js";
export class Analytics {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Requests and work counted by hour or day (optionally per key or source), and what is stored now. */
    async usage(query = {}, options = {}) {
        return (await this.http.json("GET", "/v1/analytics/usage", { ...options, query })).data;
    }
    /** Latency percentiles and error rates per endpoint; apply and training durations. */
    async performance(query = {}, options = {}) {
        const path = "/v1/analytics/performance";
        return (await this.http.json("GET", path, { ...options, query })).data;
    }
    /** The query log, newest first (JSON pages; `format` exports are for curl). */
    queries(query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const call = { ...options, query: { ...query, cursor } };
            const { data } = await this.http.json("GET", "/v1/analytics/queries", call);
            return { items: data.queries, nextCursor: data.nextCursor ?? null };
        });
    }
    async settings(options = {}) {
        return (await this.http.json("GET", "/v1/analytics/settings", options)).data.settings;
    }
    async updateSettings(body, options = {}) {
        const path = "/v1/analytics/settings";
        return (await this.http.json("PATCH", path, { ...options, body })).data.settings;
    }
    /** Rate a query's answer (`queryId`) or a chat's answer (`chatId` and `messageId`). */
    async feedback(body, options = {}) {
        return (await this.http.json("POST", "/v1/feedback", { ...options, body })).data.feedback;
    }
}
