// src/paging.ts
var Paginator = class {
  constructor(fetchPage) {
    this.fetchPage = fetchPage;
  }
  fetchPage;
  async *pages() {
    let cursor;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? void 0;
    } while (cursor !== void 0);
  }
  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) yield* page.items;
  }
  /** Every item of every page (mind big listings). */
  async toArray() {
    const all = [];
    for await (const item of this) all.push(item);
    return all;
  }
};

// src/admin.ts
var seg = encodeURIComponent;
var Keys = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Answers the key and its secret (shown once; `null` on an idempotent replay). */
  async create(body, options = {}) {
    return (await this.http.json("POST", "/v1/admin/keys", { ...options, body })).data;
  }
  async get(keyId, options = {}) {
    return (await this.http.json("GET", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
  }
  async revoke(keyId, options = {}) {
    return (await this.http.json("DELETE", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
  }
  /** A new secret; the old one keeps working for `overlapSeconds` (default one day). */
  async rotate(keyId, body = {}, options = {}) {
    const path = `/v1/admin/keys/${seg(keyId)}/rotate`;
    return (await this.http.json("POST", path, { ...options, body })).data;
  }
  list(query = {}, options = {}) {
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", "/v1/admin/keys", { ...options, query: { ...query, cursor } });
      return { items: data.keys, nextCursor: data.nextCursor ?? null };
    });
  }
};
var Webhooks = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Answers the webhook and its signing secret (`whsec_...`, shown once). */
  async create(body, options = {}) {
    return (await this.http.json("POST", "/v1/webhooks", { ...options, body })).data;
  }
  async get(webhookId, options = {}) {
    return (await this.http.json("GET", `/v1/webhooks/${seg(webhookId)}`, options)).data.webhook;
  }
  async update(webhookId, body, options = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}`;
    return (await this.http.json("PATCH", path, { ...options, body })).data.webhook;
  }
  async delete(webhookId, options = {}) {
    return (await this.http.json("DELETE", `/v1/webhooks/${seg(webhookId)}`, options)).data;
  }
  async rotateSecret(webhookId, options = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/rotate-secret`;
    return (await this.http.json("POST", path, options)).data;
  }
  /** Sends a `webhook.test` event to this subscription. */
  async test(webhookId, options = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/test`;
    return (await this.http.json("POST", path, options)).data;
  }
  deliveries(webhookId, query = {}, options = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/deliveries`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.deliveries, nextCursor: data.nextCursor ?? null };
    });
  }
  async redeliver(webhookId, deliveryId, options = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}/redeliver`;
    return (await this.http.json("POST", path, options)).data;
  }
  list(query = {}, options = {}) {
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", "/v1/webhooks", { ...options, query: { ...query, cursor } });
      return { items: data.webhooks, nextCursor: data.nextCursor ?? null };
    });
  }
};
var Files = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Uploads a file of up to 4 MiB as multipart (202: processed in the background; poll `get`). */
  async upload(sourceId, file, filename, fields = {}, options = {}) {
    const form = new FormData();
    form.append("file", file, filename);
    if (fields.externalItemId !== void 0) form.append("externalItemId", fields.externalItemId);
    if (fields.title !== void 0) form.append("title", fields.title);
    if (fields.tags !== void 0) form.append("tags", JSON.stringify(fields.tags));
    if (fields.metadata !== void 0) form.append("metadata", JSON.stringify(fields.metadata));
    const path = `/v1/sources/${seg(sourceId)}/files`;
    return (await this.http.json("POST", path, { ...options, form })).data.file;
  }
  async get(sourceId, fileId, options = {}) {
    const path = `/v1/sources/${seg(sourceId)}/files/${seg(fileId)}`;
    return (await this.http.json("GET", path, options)).data.file;
  }
  list(sourceId, query = {}, options = {}) {
    const path = `/v1/sources/${seg(sourceId)}/files`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.files, nextCursor: data.nextCursor ?? null };
    });
  }
};

// src/analytics.ts
var Analytics = class {
  constructor(http) {
    this.http = http;
  }
  http;
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
};

// src/errors.ts
var KbError = class _KbError extends Error {
  name = "KbError";
  /** The HTTP status of the answer that carried the error; 0 when none arrived. */
  status;
  code;
  /** Set on `internal_error` answers: quote it to the operator. */
  requestId;
  /** The parsed error body, when there was one. */
  body;
  headers;
  constructor(message, init) {
    super(message, init.cause === void 0 ? void 0 : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.body = init.body;
    this.headers = init.headers;
  }
  /** Builds the error from an API answer that is not 2xx: `{"error", "code"}` when the API wrote it. */
  static async fromResponse(response) {
    const text = await response.text().catch(() => "");
    let body = text;
    try {
      body = text ? JSON.parse(text) : void 0;
    } catch {
    }
    const record = typeof body === "object" && body !== null ? body : {};
    const code = typeof record.code === "string" ? record.code : `http_${response.status}`;
    const message = typeof record.error === "string" ? record.error : `HTTP ${response.status}`;
    const requestId = typeof record.requestId === "string" ? record.requestId : typeof record.request_id === "string" ? record.request_id : void 0;
    return new _KbError(message, { status: response.status, code, requestId, body, headers: response.headers });
  }
};
var WebhookVerificationError = class extends Error {
  name = "WebhookVerificationError";
};

// src/http.ts
var MUTATIONS = /* @__PURE__ */ new Set(["POST", "PUT", "PATCH", "DELETE"]);
var RETRY_STATUSES = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var FINAL_CODES = /* @__PURE__ */ new Set(["build_failed"]);
function newIdempotencyKey() {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = b[6] & 15 | 64;
  b[8] = b[8] & 63 | 128;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
function sleep(ms, signal) {
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
function retryAfterMs(value, now = Date.now()) {
  if (value === null || value.trim() === "") return void 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1e3);
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function anySignal(signals) {
  if (typeof AbortSignal.any === "function") return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}
var Transport = class {
  baseUrl;
  streamUrl;
  apiKey;
  maxRetries;
  retryBaseMs;
  retryMaxMs;
  timeoutMs;
  fetchImpl;
  extraHeaders;
  constructor(options) {
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    if (!options.apiKey) throw new TypeError("apiKey is required");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.streamUrl = (options.streamUrl ?? options.baseUrl).replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 3e4;
    this.timeoutMs = options.timeoutMs ?? 6e4;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.extraHeaders = options.headers ?? {};
  }
  /** A path of the API (`/v1/...`), or a `Location` the API answered (`/api/v1/...`). */
  url(path, query, stream = false) {
    const base = stream ? this.streamUrl : this.baseUrl;
    const url = /^https?:/.test(path) ? new URL(path) : path.startsWith("/v1/") || path === "/health" ? new URL(base + path) : new URL(path, base);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === void 0 || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
    }
    return url.toString();
  }
  async json(method, path, call = {}) {
    const response = await this.send(method, path, call);
    const text = await response.text();
    let data = void 0;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw new KbError("the API answered something that is not JSON", {
          status: response.status,
          code: "invalid_response",
          body: text,
          headers: response.headers,
          cause
        });
      }
    }
    return { status: response.status, headers: response.headers, data };
  }
  /** Sends with retries; resolves to a 2xx response whose body is still unread. */
  async send(method, path, call = {}) {
    const headers = {
      Accept: call.accept ?? "application/json",
      ...this.extraHeaders,
      ...call.headers,
      Authorization: `Bearer ${this.apiKey}`
    };
    let body;
    if (call.form !== void 0) {
      const encoded = new Response(call.form);
      body = await encoded.blob();
      headers["Content-Type"] = encoded.headers.get("Content-Type") ?? "multipart/form-data";
    } else if (call.body !== void 0) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    if (call.idempotencyKey !== void 0 || (call.idempotent ?? MUTATIONS.has(method))) {
      headers["Idempotency-Key"] = call.idempotencyKey ?? newIdempotencyKey();
    }
    const url = this.url(path, call.query, call.stream);
    for (let attempt = 0; ; attempt++) {
      const signals = [AbortSignal.timeout(this.timeoutMs)];
      if (call.signal) signals.push(call.signal);
      let response;
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
          status: 0,
          code: timedOut ? "timeout" : "network_error",
          cause
        });
      }
      if (response.ok) return response;
      const error = await KbError.fromResponse(response);
      const delay = this.retryDelay(error, attempt);
      if (delay === void 0) throw error;
      await sleep(delay, call.signal);
    }
  }
  /** How long to wait before retrying after `error`, or undefined when it is final. */
  retryDelay(error, attempt) {
    if (attempt >= this.maxRetries) return void 0;
    const transient = RETRY_STATUSES.has(error.status) && !FINAL_CODES.has(error.code) || error.status === 409 && error.code === "idempotency_in_progress";
    if (!transient) return void 0;
    const after = retryAfterMs(error.headers?.get("Retry-After") ?? null);
    if (after === void 0) return this.backoff(attempt);
    return after <= this.retryMaxMs ? after : void 0;
  }
  backoff(attempt) {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
};

// src/lifecycle.ts
var SETTLED = /* @__PURE__ */ new Set(["succeeded", "held", "discarded"]);
async function pollUntilDone(http, location, envelope, fallbackCode, options) {
  const deadline = Date.now() + (options.timeoutMs ?? 6e5);
  let interval = options.pollIntervalMs ?? 250;
  for (; ; ) {
    const answer = await http.json("GET", location, { signal: options.signal });
    const work = answer.data[envelope];
    if (work === void 0) {
      throw new KbError(`no "${envelope}" in the answer to ${location}`, {
        status: answer.status,
        code: "invalid_response",
        body: answer.data
      });
    }
    if (work.status !== void 0 && SETTLED.has(work.status)) return work;
    if (work.status === "failed") {
      throw new KbError(work.error ?? `${envelope} failed`, {
        status: answer.status,
        code: work.errorCode ?? fallbackCode,
        body: work
      });
    }
    if (Date.now() + interval > deadline) {
      throw new KbError(`${location} is still ${work.status}`, { status: answer.status, code: "wait_timeout", body: work });
    }
    await sleep(interval, options.signal);
    interval = Math.min(2e3, interval * 1.5);
  }
}

// src/content.ts
var seg2 = encodeURIComponent;
var PAGE_ITEMS = 1e3;
var PAGE_BYTES = 4 * 1024 * 1024;
function chunked(items) {
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
  if (page.length > 0) pages.push(page);
  return pages;
}
var Sources = class {
  constructor(http) {
    this.http = http;
  }
  http;
  async create(body, options = {}) {
    return (await this.http.json("POST", "/v1/sources", { ...options, body })).data.source;
  }
  async get(sourceId, options = {}) {
    return (await this.http.json("GET", `/v1/sources/${seg2(sourceId)}`, options)).data.source;
  }
  async update(sourceId, body, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}`;
    return (await this.http.json("PATCH", path, { ...options, body })).data.source;
  }
  /** Archive: keeps everything, stops serving. */
  async archive(sourceId, options = {}) {
    return (await this.http.json("DELETE", `/v1/sources/${seg2(sourceId)}`, options)).data.source;
  }
  list(query = {}, options = {}) {
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", "/v1/sources", { ...options, query: { ...query, cursor } });
      return { items: data.sources, nextCursor: data.nextCursor ?? null };
    });
  }
};
var Items = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Upsert one item: `outcome` says created, updated, unchanged or restored. */
  async upsert(sourceId, item, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items`;
    return (await this.http.json("POST", path, { ...options, body: item })).data;
  }
  /** One batch request: at most 1000 operations (see `sync` for any number). */
  async batch(sourceId, body, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items/batch`;
    return (await this.http.json("POST", path, { ...options, body })).data;
  }
  async get(sourceId, externalItemId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items/${seg2(externalItemId)}`;
    return (await this.http.json("GET", path, options)).data;
  }
  /** The item as the serving generation publishes it (what a run's change is compared with);
   * its text is rebuilt from the indexed chunks. A 404 when that generation does not hold it. */
  async published(sourceId, externalItemId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items/${seg2(externalItemId)}/published`;
    return (await this.http.json("GET", path, options)).data.published;
  }
  async delete(sourceId, externalItemId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items/${seg2(externalItemId)}`;
    return (await this.http.json("DELETE", path, options)).data;
  }
  list(sourceId, query = {}, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/items`;
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
    const base = `/v1/sources/${seg2(sourceId)}/snapshots`;
    const begun = await this.http.json("POST", base, { signal });
    const snapshotId = begun.data.snapshot.id;
    try {
      for (const page of chunked(items)) {
        await this.http.json("POST", `${base}/${seg2(snapshotId)}/items`, { signal, body: { items: page } });
      }
      const body = options.allowMassDeletion ? { allowMassDeletion: true } : {};
      const committed = await this.http.json(
        "POST",
        `${base}/${seg2(snapshotId)}/commit`,
        { signal, body }
      );
      return committed.data.snapshot;
    } catch (error) {
      if (!(error instanceof KbError && error.code === "snapshot_closed")) {
        await this.http.json("POST", `${base}/${seg2(snapshotId)}/abort`, {}).catch(() => void 0);
      }
      throw error;
    }
  }
};
var Runs = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Starts a run (a diff of the staging set against the published generation) and, unless
   * `wait: false`, waits for it: a 202 is polled until the run succeeds (a failed run throws). */
  async create(sourceId, options = {}) {
    const answer = await this.http.json("POST", `/v1/sources/${seg2(sourceId)}/runs`, options);
    const run = answer.data.run;
    if (answer.status !== 202 || options.wait === false) return run;
    const location = answer.headers.get("Location") ?? `/v1/sources/${seg2(sourceId)}/runs/${seg2(run.id)}`;
    return pollUntilDone(this.http, location, "run", "run_failed", options);
  }
  async get(sourceId, runId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/runs/${seg2(runId)}`;
    return (await this.http.json("GET", path, options)).data.run;
  }
  list(sourceId, query = {}, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/runs`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.runs, nextCursor: data.nextCursor ?? null };
    });
  }
  /** Each change a run found (unchanged items are only counted). */
  changes(sourceId, runId, query = {}, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/runs/${seg2(runId)}/changes`;
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
    const path = `/v1/sources/${seg2(sourceId)}/runs/${seg2(runId)}/apply`;
    const body = options.gate === void 0 ? void 0 : { gate: options.gate };
    const answer = await this.http.json("POST", path, { ...options, body });
    if (answer.status !== 202 || options.wait === false) return answer.data;
    const generationId = answer.data.generationId;
    const location = answer.headers.get("Location") ?? `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}`;
    const generation = await pollUntilDone(this.http, location, "generation", "build_failed", options);
    if (generation.status === "discarded") {
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
};
var Generations = class {
  constructor(http) {
    this.http = http;
  }
  http;
  async get(sourceId, generationId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}`;
    return (await this.http.json("GET", path, options)).data.generation;
  }
  /** Newest first. */
  list(sourceId, query = {}, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.generations, nextCursor: data.nextCursor ?? null };
    });
  }
  async rollback(sourceId, generationId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}/rollback`;
    return (await this.http.json("POST", path, options)).data;
  }
  /** The report of a gated apply's evaluation (`not_evaluated` for one applied without a gate). */
  async evaluation(sourceId, generationId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}/evaluation`;
    return (await this.http.json("GET", path, options)).data.evaluation;
  }
  /** Publishes a held generation anyway (`evaluation_stale` once another one serves). */
  async publish(sourceId, generationId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}/publish`;
    return (await this.http.json("POST", path, options)).data;
  }
  async discard(sourceId, generationId, options = {}) {
    const path = `/v1/sources/${seg2(sourceId)}/generations/${seg2(generationId)}/discard`;
    return (await this.http.json("POST", path, options)).data;
  }
};

// src/sse.ts
async function* parseEventStream(body) {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let event = "";
  let data = [];
  let id;
  let carriageReturn = false;
  const takeLine = function* (line) {
    if (line === "") {
      if (data.length > 0) yield { event: event || "message", data: data.join("\n"), ...id === void 0 ? {} : { id } };
      event = "";
      data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  };
  try {
    for (; ; ) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (carriageReturn && buffer.startsWith("\n")) buffer = buffer.slice(1);
      carriageReturn = false;
      let match;
      const lineEnd = /\r\n|\r|\n/g;
      let start = 0;
      while ((match = lineEnd.exec(buffer)) !== null) {
        if (match[0] === "\r" && match.index === buffer.length - 1 && !done) break;
        yield* takeLine(buffer.slice(start, match.index));
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
      if (buffer.endsWith("\r") && !done) {
        yield* takeLine(buffer.slice(0, -1));
        buffer = "";
        carriageReturn = true;
      }
      if (done) {
        return;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => void 0);
  }
}

// src/training.ts
var seg3 = encodeURIComponent;
var ENDED = /* @__PURE__ */ new Set(["completed", "failed", "cancelled"]);
var Training = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** Starts a job (every active source without `sourceIds`). Answers the queued job; pass
   * `wait: true` to poll it until it has ended (see `wait`). */
  async start(body = {}, options = {}) {
    const job = (await this.http.json("POST", "/v1/train", { ...options, body })).data.job;
    return options.wait === true ? this.wait(job.id, options) : job;
  }
  /** A job with its progress; without `jobId`, the tenant's latest. */
  async status(jobId, options = {}) {
    const query = jobId === void 0 ? {} : { jobId };
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
    const body = jobId === void 0 ? {} : { jobId };
    return (await this.http.json("POST", "/v1/train/cancel", { ...options, body })).data.job;
  }
  /** Polls until the job is completed, failed or cancelled, and answers it whatever it ended as
   * (a failed job is not thrown: its sources say why). `wait_timeout` after `timeoutMs`. */
  async wait(jobId, options = {}) {
    const deadline = Date.now() + (options.timeoutMs ?? 6e5);
    let interval = options.pollIntervalMs ?? 250;
    for (; ; ) {
      const job = await this.status(jobId, { signal: options.signal });
      options.onProgress?.(job);
      if (ENDED.has(job.status)) return job;
      if (Date.now() + interval > deadline) {
        throw new KbError(`training job ${jobId} is still ${job.status}`, { status: 200, code: "wait_timeout", body: job });
      }
      await sleep(interval, options.signal);
      interval = Math.min(2e3, interval * 1.5);
    }
  }
};
var Evaluation = class {
  constructor(http) {
    this.http = http;
  }
  http;
  path(sourceId, queryId) {
    const base = `/v1/sources/${seg3(sourceId)}/evaluation/queries`;
    return queryId === void 0 ? base : `${base}/${seg3(queryId)}`;
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
};

// src/client.ts
var seg4 = encodeURIComponent;
var STREAM_EVENTS = /* @__PURE__ */ new Set(["start", "delta", "citation", "done"]);
var KbClient = class {
  http;
  sources;
  items;
  runs;
  generations;
  keys;
  webhooks;
  files;
  chats;
  analytics;
  training;
  evaluation;
  constructor(options) {
    this.http = new Transport(options);
    this.sources = new Sources(this.http);
    this.items = new Items(this.http);
    this.runs = new Runs(this.http);
    this.generations = new Generations(this.http);
    this.keys = new Keys(this.http);
    this.webhooks = new Webhooks(this.http);
    this.files = new Files(this.http);
    this.chats = new Chats(this.http);
    this.analytics = new Analytics(this.http);
    this.training = new Training(this.http);
    this.evaluation = new Evaluation(this.http);
  }
  async search(body, options = {}) {
    return (await this.http.json("POST", "/v1/search", { ...options, body, idempotent: false })).data;
  }
  /** Why an item did (or did not) come back for a query. */
  async explain(body, options = {}) {
    return (await this.http.json("POST", "/v1/search/explain", { ...options, body, idempotent: false })).data;
  }
  /** An answer with its cited sources. */
  async query(body, options = {}) {
    return (await this.http.json("POST", "/v1/query", { ...options, body, idempotent: false })).data;
  }
  /** The same answer, streamed: `start`, `delta`s, `citation`s, then `done`. */
  queryStream(body, options = {}) {
    return streamAnswer(this.http, "/v1/query", body, options);
  }
  async health(options = {}) {
    return (await this.http.json("GET", "/health", options)).data;
  }
};
var Chats = class {
  constructor(http) {
    this.http = http;
  }
  http;
  /** A new chat with its first question; answers the chat and the assistant's message. */
  async create(body, options = {}) {
    return (await this.http.json("POST", "/v1/chats", { ...options, body })).data;
  }
  createStream(body, options = {}) {
    return streamAnswer(this.http, "/v1/chats", body, options);
  }
  async send(chatId, message, options = {}) {
    const path = `/v1/chats/${seg4(chatId)}/messages`;
    return (await this.http.json("POST", path, { ...options, body: { message } })).data;
  }
  sendStream(chatId, message, options = {}) {
    return streamAnswer(this.http, `/v1/chats/${seg4(chatId)}/messages`, { message }, options);
  }
  /** The chat's messages, oldest first. */
  history(chatId, query = {}, options = {}) {
    const path = `/v1/chats/${seg4(chatId)}/history`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.messages, nextCursor: data.nextCursor ?? null };
    });
  }
};
async function* streamAnswer(http, path, body, options) {
  const response = await http.send("POST", path, {
    ...options,
    body: { ...body, stream: true },
    accept: "text/event-stream",
    idempotent: false,
    stream: true
  });
  if (!(response.headers.get("Content-Type") ?? "").startsWith("text/event-stream") || response.body === null) {
    const text = await response.text();
    throw new KbError("the API did not answer with an event stream", {
      status: response.status,
      code: "invalid_response",
      body: text,
      headers: response.headers
    });
  }
  for await (const message of parseEventStream(response.body)) {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch (cause) {
      throw new KbError(`an unreadable "${message.event}" event`, { status: response.status, code: "invalid_response", body: message.data, cause });
    }
    if (message.event === "error") {
      const record = data ?? {};
      throw new KbError(record.error ?? "the answer failed", { status: response.status, code: record.code ?? "stream_error", body: data });
    }
    if (!STREAM_EVENTS.has(message.event)) continue;
    yield { event: message.event, data };
    if (message.event === "done") return;
  }
  throw new KbError("the stream ended before its done event", { status: response.status, code: "stream_incomplete" });
}

// src/webhooks.ts
var encoder = new TextEncoder();
function header(headers, name) {
  if (typeof headers.get === "function") return headers.get(name) ?? void 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return void 0;
}
function base64ToBytes(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
function bytesToBase64(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}
async function hmacKey(secret) {
  const raw = base64ToBytes(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
async function signWebhook(secret, id, timestamp, payload) {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${payload}`));
  return `v1,${bytesToBase64(mac)}`;
}
async function verifyWebhook(secret, payload, headers, options = {}) {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook headers");
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new WebhookVerificationError("invalid timestamp");
  const now = options.now ?? Math.floor(Date.now() / 1e3);
  const tolerance = options.toleranceSeconds ?? 300;
  if (seconds < now - tolerance) throw new WebhookVerificationError("message timestamp too old");
  if (seconds > now + tolerance) throw new WebhookVerificationError("message timestamp too new");
  const signed = encoder.encode(`${id}.${timestamp}.${payload}`);
  const offered = signatures.split(" ").map((s) => s.split(",")).filter((parts) => parts.length === 2 && parts[0] === "v1").map((parts) => parts[1]);
  for (const s of typeof secret === "string" ? [secret] : secret) {
    const key = await hmacKey(s);
    for (const candidate of offered) {
      let mac;
      try {
        mac = base64ToBytes(candidate);
      } catch {
        continue;
      }
      if (await crypto.subtle.verify("HMAC", key, mac, signed)) return JSON.parse(payload);
    }
  }
  throw new WebhookVerificationError("no matching signature");
}
export {
  Analytics,
  Chats,
  Evaluation,
  Files,
  Generations,
  Items,
  KbClient,
  KbError,
  Keys,
  Paginator,
  Runs,
  Sources,
  Training,
  Transport,
  WebhookVerificationError,
  Webhooks,
  newIdempotencyKey,
  parseEventStream,
  retryAfterMs,
  signWebhook,
  streamAnswer,
  verifyWebhook
};
