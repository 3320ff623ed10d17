import { KbError } from "./errors.js";

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

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
// A 502 that says a build failed is an outcome, not a hiccup: repeating the apply does not help.
const FINAL_CODES = new Set(["build_failed"]);

export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  // randomUUID is missing in browsers' insecure contexts (plain http on a LAN address).
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

export class Transport {
  readonly baseUrl: string;
  readonly streamUrl: string;
  private readonly apiKey: string;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly extraHeaders: Record<string, string>;

  constructor(options: ClientOptions) {
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    if (!options.apiKey) throw new TypeError("apiKey is required");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.streamUrl = (options.streamUrl ?? options.baseUrl).replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.extraHeaders = options.headers ?? {};
  }

  /** A path of the API (`/v1/...`), or a `Location` the API answered (`/api/v1/...`). */
  url(path: string, query?: object, stream = false): string {
    const base = stream ? this.streamUrl : this.baseUrl;
    const url = /^https?:/.test(path)
      ? new URL(path)
      : path.startsWith("/v1/") || path === "/health"
        ? new URL(base + path)
        : new URL(path, base);
    for (const [name, value] of Object.entries(query ?? {}) as [string, QueryValue][]) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
    }
    return url.toString();
  }

  async json<T>(method: string, path: string, call: Call = {}): Promise<Answer<T>> {
    const response = await this.send(method, path, call);
    const text = await response.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw new KbError("the API answered something that is not JSON", {
          status: response.status, code: "invalid_response", body: text, headers: response.headers, cause,
        });
      }
    }
    return { status: response.status, headers: response.headers, data: data as T };
  }

  /** Sends with retries; resolves to a 2xx response whose body is still unread. */
  async send(method: string, path: string, call: Call = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: call.accept ?? "application/json",
      ...this.extraHeaders,
      ...call.headers,
      Authorization: `Bearer ${this.apiKey}`,
    };
    let body: BodyInit | undefined;
    if (call.form !== undefined) {
      // Serialised once, so every retry sends the same bytes and boundary (the API's idempotency
      // record compares them).
      const encoded = new Response(call.form);
      body = await encoded.blob();
      headers["Content-Type"] = encoded.headers.get("Content-Type") ?? "multipart/form-data";
    } else if (call.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    if (call.idempotencyKey !== undefined || (call.idempotent ?? MUTATIONS.has(method))) {
      headers["Idempotency-Key"] = call.idempotencyKey ?? newIdempotencyKey();
    }
    const url = this.url(path, call.query, call.stream);

    for (let attempt = 0; ; attempt++) {
      const signals = [AbortSignal.timeout(this.timeoutMs)];
      if (call.signal) signals.push(call.signal);
      let response: Response;
      try {
        response = await this.fetchImpl(url, { method, headers, body, signal: anySignal(signals) });
      } catch (cause) {
        if (call.signal?.aborted) throw cause;
        if (attempt < this.maxRetries) {
          await sleep(this.backoff(attempt), call.signal);
          continue;
        }
        const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
        throw new KbError(timedOut ? `no answer within ${this.timeoutMs} ms` : `cannot reach ${url}`, {
          status: 0, code: timedOut ? "timeout" : "network_error", cause,
        });
      }
      if (response.ok) return response;
      const error = await KbError.fromResponse(response);
      const delay = this.retryDelay(error, attempt);
      if (delay === undefined) throw error;
      await sleep(delay, call.signal);
    }
  }

  /** How long to wait before retrying after `error`, or undefined when it is final. */
  private retryDelay(error: KbError, attempt: number): number | undefined {
    if (attempt >= this.maxRetries) return undefined;
    const transient =
      (RETRY_STATUSES.has(error.status) && !FINAL_CODES.has(error.code)) ||
      (error.status === 409 && error.code === "idempotency_in_progress");
    if (!transient) return undefined;
    const after = retryAfterMs(error.headers?.get("Retry-After") ?? null);
    if (after === undefined) return this.backoff(attempt);
    return after <= this.retryMaxMs ? after : undefined;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}
