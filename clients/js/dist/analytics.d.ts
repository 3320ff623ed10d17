/** Analytics (admin scope): usage counters, latency percentiles, the query log and its settings;
 * and feedback on answers (read scope, so a chat widget's key can rate). */
import type { RequestOptions, Transport } from "./http.js";
import { Paginator } from "./paging.js";
import type { Body, Query } from "./types.js";
export declare class Analytics {
    private readonly http;
    constructor(http: Transport);
    /** Requests and work counted by hour or day (optionally per key or source), and what is stored now. */
    usage(query?: Query<"/v1/analytics/usage", "get">, options?: RequestOptions): Promise<{
        from: string;
        to: string;
        granularity: "hour" | "day";
        groupBy: "none" | "key" | "source";
        buckets: import("./schema.js").components["schemas"]["UsageBucket"][];
        totals: import("./schema.js").components["schemas"]["UsageCounters"];
        stored: import("./schema.js").components["schemas"]["StoredUsage"];
    }>;
    /** Latency percentiles and error rates per endpoint; apply and training durations. */
    performance(query?: Query<"/v1/analytics/performance", "get">, options?: RequestOptions): Promise<{
        from: string;
        to: string;
        endpoints: import("./schema.js").components["schemas"]["EndpointPerformance"][];
        durations: import("./schema.js").components["schemas"]["DurationPerformance"][];
    }>;
    /** The query log, newest first (JSON pages; `format` exports are for curl). */
    queries(query?: Omit<Query<"/v1/analytics/queries", "get">, "format">, options?: RequestOptions): Paginator<{
        id: string;
        kind: "search" | "query" | "chat";
        createdAt: string;
        keyId: string;
        text?: string | null;
        textHash?: string | null;
        mode?: string | null;
        filters?: {
            [key: string]: unknown;
        } | null;
        sourceIds?: string[] | null;
        chatId?: string | null;
        resultCount: number;
        topItems?: import("./schema.js").components["schemas"]["TopItem"][];
        found: boolean;
        latencyMs: number;
        answerTokens?: number | null;
        rating?: ("up" | "down") | null;
        comment?: string | null;
    }>;
    settings(options?: RequestOptions): Promise<{
        queryLogging?: "full" | "redacted" | "off";
        retentionDays?: number;
    }>;
    updateSettings(body: Body<"/v1/analytics/settings", "patch">, options?: RequestOptions): Promise<{
        queryLogging?: "full" | "redacted" | "off";
        retentionDays?: number;
    }>;
    /** Rate a query's answer (`queryId`) or a chat's answer (`chatId` and `messageId`). */
    feedback(body: Body<"/v1/feedback", "post">, options?: RequestOptions): Promise<{
        targetId: string;
        kind: "query" | "chat";
        chatId?: string | null;
        rating: "up" | "down";
        comment?: string | null;
        createdAt: string;
        replaced?: ("up" | "down") | null;
    }>;
}
