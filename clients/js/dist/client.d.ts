import { Files, Keys, Webhooks } from "./admin.js";
import { Analytics } from "./analytics.js";
import { Generations, Items, Runs, Sources } from "./content.js";
import { Transport, type ClientOptions, type RequestOptions } from "./http.js";
import { Paginator } from "./paging.js";
import { Evaluation, Training } from "./training.js";
import type { AnswerEvent, Answer, Body, QueryRequest, SearchRequest, SearchResponse } from "./types.js";
/** The Knowledge Base API. Every call retries 429, 5xx and network failures with backoff
 * (honouring Retry-After), sends an Idempotency-Key with every mutation (the same one on each
 * retry; pass `idempotencyKey` to choose it), and throws `KbError` with the API's code.
 * Search, explain and query are reads sent as POST: they carry no key. */
export declare class KbClient {
    readonly http: Transport;
    readonly sources: Sources;
    readonly items: Items;
    readonly runs: Runs;
    readonly generations: Generations;
    readonly keys: Keys;
    readonly webhooks: Webhooks;
    readonly files: Files;
    readonly chats: Chats;
    readonly analytics: Analytics;
    readonly training: Training;
    readonly evaluation: Evaluation;
    constructor(options: ClientOptions);
    search(body: SearchRequest, options?: RequestOptions): Promise<SearchResponse>;
    /** Why an item did (or did not) come back for a query. */
    explain(body: Body<"/v1/search/explain", "post">, options?: RequestOptions): Promise<{
        externalItemId: string;
        sourceId: string;
        verdict: "returned" | "ranked_below_limit" | "below_min_score" | "no_match" | "filtered_out" | "tombstone_expired" | "not_published" | "deleted" | "not_found" | "source_archived" | "source_not_searched";
        reason: string;
        generationId?: string | null;
        mode?: ("keyword" | "semantic" | "hybrid") | null;
        rank?: number | null;
        limit: number;
        bestChunk?: import("./schema.js").components["schemas"]["ChunkScores"] | null;
        failedConditions?: string[];
    }>;
    /** An answer with its cited sources. */
    query(body: QueryRequest, options?: RequestOptions): Promise<Answer>;
    /** The same answer, streamed: `start`, `delta`s, `citation`s, then `done`. */
    queryStream(body: QueryRequest, options?: RequestOptions): AsyncGenerator<AnswerEvent>;
    health(options?: RequestOptions): Promise<{
        status: string;
    }>;
}
export declare class Chats {
    private readonly http;
    constructor(http: Transport);
    /** A new chat with its first question; answers the chat and the assistant's message. */
    create(body: Body<"/v1/chats", "post">, options?: RequestOptions): Promise<{
        chat: import("./schema.js").components["schemas"]["Chat"];
        message: import("./schema.js").components["schemas"]["ChatMessage"];
    }>;
    createStream(body: Body<"/v1/chats", "post">, options?: RequestOptions): AsyncGenerator<AnswerEvent>;
    send(chatId: string, message: string, options?: RequestOptions): Promise<{
        chat: import("./schema.js").components["schemas"]["Chat"];
        message: import("./schema.js").components["schemas"]["ChatMessage"];
    }>;
    sendStream(chatId: string, message: string, options?: RequestOptions): AsyncGenerator<AnswerEvent>;
    /** The chat's messages, oldest first. */
    history(chatId: string, query?: {
        limit?: number;
    }, options?: RequestOptions): Paginator<{
        id: string;
        role: "user" | "assistant";
        content: string;
        mode?: ("extractive" | "generative") | null;
        found?: boolean | null;
        sources?: import("./schema.js").components["schemas"]["AnswerSource"][];
        searchedQuery?: string | null;
        usage?: import("./schema.js").components["schemas"]["TokenUsage"] | null;
        createdAt: string;
    }>;
}
/** POSTs `body` with `"stream": true` to the stream URL and yields the answer's events. The
 * request is retried like any other until the stream opens (without an Idempotency-Key: the API
 * refuses one on streamed turns, and records a turn only once it is complete); a stream that
 * breaks is not resumed. An `error` event is thrown as `KbError` with its code; a stream that
 * ends without `done` throws `stream_incomplete`. Events of other names are skipped. */
export declare function streamAnswer(http: Transport, path: string, body: object, options: RequestOptions): AsyncGenerator<AnswerEvent>;
