// The console's only way to the API. Every screen calls these functions and nothing else, so this
// module can be replaced by the JavaScript client (clients/js) once it lands, without touching the
// screens. The key goes only into the Authorization header of requests to the API's own origin.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const POLL_MS = 500;
const POLL_LIMIT_MS = 120000;

export function createApi(base, key) {
  async function request(method, path, body, { query } = {}) {
    const url = new URL(base + path, window.location.origin);
    for (const [name, value] of Object.entries(query || {})) {
      if (value === undefined || value === null || value === "") continue;
      for (const one of [].concat(value)) url.searchParams.append(name, one);
    }
    const headers = { Authorization: `Bearer ${key}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // Every mutation carries an Idempotency-Key: a retried click cannot apply twice.
    if (method !== "GET") headers["Idempotency-Key"] = crypto.randomUUID();
    const reply = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
    const text = await reply.text();
    const data = text ? JSON.parse(text) : null;
    if (!reply.ok) {
      throw new ApiError(reply.status, data?.code ?? "http_error", data?.error ?? `HTTP ${reply.status}`);
    }
    return { status: reply.status, data, location: reply.headers.get("Location") };
  }

  // A 202 names what to poll (a run or a generation); wait until it has finished.
  async function settle(reply, envelope) {
    if (reply.status !== 202 || !reply.location) return reply.data;
    const path = reply.location.startsWith(base) ? reply.location.slice(base.length) : reply.location;
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const { data } = await request("GET", path);
      const work = data[envelope];
      if (work.status === "succeeded" || work.status === "failed") return { ...reply.data, [envelope]: work };
      if (Date.now() > deadline) throw new ApiError(0, "timeout", `${path} is still ${work.status}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  const get = async (path, query) => (await request("GET", path, undefined, { query })).data;
  const post = async (path, body) => (await request("POST", path, body)).data;
  const enc = encodeURIComponent;

  return {
    whoami: () => get("/v1/sources", { limit: 1 }),
    keys: {
      list: (cursor) => get("/v1/admin/keys", { cursor }),
      create: (body) => post("/v1/admin/keys", body),
      rotate: (id) => post(`/v1/admin/keys/${enc(id)}/rotate`, {}),
      revoke: async (id) => (await request("DELETE", `/v1/admin/keys/${enc(id)}`)).data,
    },
    sources: {
      list: (cursor) => get("/v1/sources", { cursor }),
      get: (id) => get(`/v1/sources/${enc(id)}`),
      create: (body) => post("/v1/sources", body),
    },
    items: {
      list: (sourceId, query) => get(`/v1/sources/${enc(sourceId)}/items`, query),
      get: (sourceId, itemId) => get(`/v1/sources/${enc(sourceId)}/items/${enc(itemId)}`),
      upsert: (sourceId, body) => post(`/v1/sources/${enc(sourceId)}/items`, body),
    },
    runs: {
      list: (sourceId, cursor) => get(`/v1/sources/${enc(sourceId)}/runs`, { cursor }),
      get: (sourceId, runId) => get(`/v1/sources/${enc(sourceId)}/runs/${enc(runId)}`),
      start: async (sourceId) => settle(await request("POST", `/v1/sources/${enc(sourceId)}/runs`), "run"),
      changes: (sourceId, runId, cursor) =>
        get(`/v1/sources/${enc(sourceId)}/runs/${enc(runId)}/changes`, { cursor }),
      apply: async (sourceId, runId) =>
        settle(await request("POST", `/v1/sources/${enc(sourceId)}/runs/${enc(runId)}/apply`), "generation"),
    },
    generations: {
      list: (sourceId, cursor) => get(`/v1/sources/${enc(sourceId)}/generations`, { cursor }),
      rollback: (sourceId, generationId) =>
        post(`/v1/sources/${enc(sourceId)}/generations/${enc(generationId)}/rollback`),
    },
    search: (body) => post("/v1/search", body),
    query: (body) => post("/v1/query", body),
    webhooks: {
      list: (cursor) => get("/v1/webhooks", { cursor }),
      create: (body) => post("/v1/webhooks", body),
      test: (id) => post(`/v1/webhooks/${enc(id)}/test`),
      deliveries: (id, cursor) => get(`/v1/webhooks/${enc(id)}/deliveries`, { cursor }),
      redeliver: (id, deliveryId) => post(`/v1/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`),
    },
  };
}
