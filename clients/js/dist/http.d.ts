export interface ClientOptions {
    /** The API's base URL, including its stage path: `http://127.0.0.1:3000/api`. */
    baseUrl: string;
    /** `sk_live_...`, sent as `Authorization: Bearer`. */
    apiKey: string;
    /** Retries after the first attempt, on 429, 5xx, `409 idempotency_in_progress` and network errors (default 3). */
    maxRetries?: number;
    /** First backoff delay; it doubles each retry, with jitter (default 500 ms). */
    retryBaseMs?: number;
    /** Longest backoff delay, and the longest `Retry-After` the client waits out (default 30 s):
     * a longer `Retry-After` is reported as the error rather than slept through. */
    retryMaxMs?: number;
    /** Per attempt (default 60 s). */
    timeoutMs?: number;
    /** Another fetch (tests, proxies). Default: the global fetch. */
    fetch?: typeof fetch;
    /** Extra headers sent with every request. */
    headers?: Record<string, string>;
    /** Where streamed answers go: the stack's `StreamUrl` (a function URL, which streams as the
     * answer is produced; locally the gateway's port + 1). Default: `baseUrl`, through which the
     * same events arrive in one piece once the answer is complete. */
    streamUrl?: string;
}
export interface RequestOptions {
    /** For mutations: replaces the generated Idempotency-Key (the same key is sent on every retry). */
    idempotencyKey?: string;
    signal?: AbortSignal;
    headers?: Record<string, string>;
}
export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export interface Call extends RequestOptions {
    query?: object;
    body?: unknown;
    /** A multipart body. */
    form?: FormData;
    accept?: string;
    /** Send an Idempotency-Key (default: for POST, PATCH, PUT, DELETE). Reads sent as POST (search,
     * query) and streamed turns, which the API does not record, send none. */
    idempotent?: boolean;
    /** Send to `streamUrl` rather than `baseUrl`. */
    stream?: boolean;
}
export interface Answer<T> {
    status: number;
    headers: Headers;
    data: T;
}
export declare function newIdempotencyKey(): string;
export declare function sleep(ms: number, signal?: AbortSignal): Promise<void>;
/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export declare function retryAfterMs(value: string | null, now?: number): number | undefined;
export declare class Transport {
    readonly baseUrl: string;
    readonly streamUrl: string;
    private readonly apiKey;
    private readonly maxRetries;
    private readonly retryBaseMs;
    private readonly retryMaxMs;
    private readonly timeoutMs;
    private readonly fetchImpl;
    private readonly extraHeaders;
    constructor(options: ClientOptions);
    /** A path of the API (`/v1/...`), or a `Location` the API answered (`/api/v1/...`). */
    url(path: string, query?: object, stream?: boolean): string;
    json<T>(method: string, path: string, call?: Call): Promise<Answer<T>>;
    /** Sends with retries; resolves to a 2xx response whose body is still unread. */
    send(method: string, path: string, call?: Call): Promise<Response>;
    /** How long to wait before retrying after `error`, or undefined when it is final. */
    private retryDelay;
    private backoff;
}
