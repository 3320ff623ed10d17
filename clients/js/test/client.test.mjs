// The client's behaviour against scripted servers on loopback: retries, idempotency, errors,
// pagination, 202 polling and streamed answers. No stack needed.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { KbClient, KbError } from "../dist/index.js";
import { fakeApi, json } from "./fake-api.mjs";

const client = (api, options = {}) => new KbClient({ baseUrl: api.baseUrl, apiKey: "sk_live_test", retryBaseMs: 10, ...options });
const source = { id: "src_1", name: "Help" };

describe("retries", () => {
  it("retries a 429 after the Retry-After it was given, with the same Idempotency-Key", async () => {
    // Given a server that rate-limits the first attempt for one second
    const api = await fakeApi([
      json(429, { error: "slow down", code: "rate_limited" }, { "Retry-After": "1" }),
      json(201, { source }),
    ]);
    try {
      // When a mutation is sent
      const started = performance.now();
      const created = await client(api).sources.create({ name: "Help" });
      // Then it succeeds on the second attempt, not before the server said, with one key throughout
      assert.deepEqual(created, source);
      assert.equal(api.requests.length, 2);
      assert.ok(performance.now() - started >= 950, "waited out Retry-After");
      const keys = api.requests.map((r) => r.headers["idempotency-key"]);
      assert.match(keys[0], /^[0-9a-f-]{36}$/);
      assert.equal(keys[0], keys[1]);
    } finally {
      await api.close();
    }
  });

  it("backs off on 5xx and gives up after maxRetries with the API's code", async () => {
    const api = await fakeApi([json(503, { error: "busy", code: "service_unavailable" })]);
    try {
      const error = await client(api, { maxRetries: 2 }).sources.get("src_1").catch((e) => e);
      assert.ok(error instanceof KbError && error instanceof Error);
      assert.equal(error.status, 503);
      assert.equal(error.code, "service_unavailable");
      assert.equal(api.requests.length, 3);
    } finally {
      await api.close();
    }
  });

  it("does not sleep through a Retry-After longer than retryMaxMs: the 429 is reported", async () => {
    const api = await fakeApi([json(429, { error: "slow down", code: "rate_limited" }, { "Retry-After": "3600" })]);
    try {
      const error = await client(api, { retryMaxMs: 2000 }).sources.get("src_1").catch((e) => e);
      assert.equal(error.code, "rate_limited");
      assert.equal(error.headers.get("Retry-After"), "3600");
      assert.equal(api.requests.length, 1);
    } finally {
      await api.close();
    }
  });

  it("does not retry a client error or a failed build", async () => {
    const api = await fakeApi([
      json(400, { error: "name: required", code: "validation_error" }),
      json(502, { error: "the build failed", code: "build_failed" }),
    ]);
    try {
      const kb = client(api);
      assert.equal((await kb.sources.create({}).catch((e) => e)).code, "validation_error");
      assert.equal((await kb.runs.apply("src_1", "run_1").catch((e) => e)).code, "build_failed");
      assert.equal(api.requests.length, 2);
    } finally {
      await api.close();
    }
  });

  it("uses the Idempotency-Key it is given, and sends none on reads", async () => {
    const api = await fakeApi([json(201, { source }), json(200, { source })]);
    try {
      const kb = client(api);
      await kb.sources.create({ name: "Help" }, { idempotencyKey: "my-key-1" });
      await kb.sources.get("src_1");
      assert.equal(api.requests[0].headers["idempotency-key"], "my-key-1");
      assert.equal(api.requests[1].headers["idempotency-key"], undefined);
      assert.equal(api.requests[1].headers.authorization, "Bearer sk_live_test");
    } finally {
      await api.close();
    }
  });
});

describe("pagination", () => {
  it("follows nextCursor until it is null", async () => {
    const api = await fakeApi([
      json(200, { items: [{ externalItemId: "a" }, { externalItemId: "b" }], nextCursor: "c1" }),
      json(200, { items: [{ externalItemId: "c" }], nextCursor: null }),
    ]);
    try {
      const ids = [];
      for await (const item of client(api).items.list("src 1", { limit: 2, tag: ["x", "y"] })) ids.push(item.externalItemId);
      assert.deepEqual(ids, ["a", "b", "c"]);
      assert.equal(api.requests[0].url, "/api/v1/sources/src%201/items?limit=2&tag=x&tag=y");
      assert.equal(api.requests[1].url, "/api/v1/sources/src%201/items?limit=2&tag=x&tag=y&cursor=c1");
    } finally {
      await api.close();
    }
  });
});

describe("lifecycle", () => {
  it("polls a 202 run at its Location until it succeeds", async () => {
    const queued = { id: "run_1", status: "queued" };
    const api = await fakeApi([
      json(202, { run: queued }, { Location: "/api/v1/sources/src_1/runs/run_1" }),
      json(200, { run: { ...queued, status: "running" } }),
      json(200, { run: { ...queued, status: "succeeded", counts: { created: 1 } } }),
    ]);
    try {
      const run = await client(api).runs.create("src_1", { pollIntervalMs: 10 });
      assert.equal(run.status, "succeeded");
      assert.deepEqual(run.counts, { created: 1 });
      assert.deepEqual(api.requests.map((r) => `${r.method} ${r.url}`), [
        "POST /api/v1/sources/src_1/runs",
        "GET /api/v1/sources/src_1/runs/run_1",
        "GET /api/v1/sources/src_1/runs/run_1",
      ]);
    } finally {
      await api.close();
    }
  });

  it("answers a polled apply as published, and throws a failed build with its errorCode", async () => {
    const generation = { id: "gen_1", status: "succeeded", counts: { created: 2 } };
    const api = await fakeApi([
      json(202, { status: "applying", generationId: "gen_1" }, { Location: "/api/v1/sources/src_1/generations/gen_1" }),
      json(200, { generation }),
      json(202, { status: "applying", generationId: "gen_2" }, { Location: "/api/v1/sources/src_1/generations/gen_2" }),
      json(200, { generation: { id: "gen_2", status: "failed", errorCode: "stale_base", error: "another generation" } }),
    ]);
    try {
      const kb = client(api);
      assert.deepEqual(await kb.runs.apply("src_1", "run_1", { pollIntervalMs: 10 }), {
        status: "published", generationId: "gen_1", counts: { created: 2 },
      });
      const error = await kb.runs.apply("src_1", "run_2", { pollIntervalMs: 10 }).catch((e) => e);
      assert.equal(error.code, "stale_base");
      assert.equal(error.status, 200);
    } finally {
      await api.close();
    }
  });
});

describe("streamed answers (a recorded stream: the server side lands separately)", () => {
  const recorded = readFile(new URL("./fixtures/query-stream.txt", import.meta.url), "utf8");

  it("yields start, deltas, citations and done, however the bytes are split", async () => {
    const text = await recorded;
    const api = await fakeApi([
      (req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        // Awkward chunks: mid-line, mid-field, mid-UTF-8 is impossible here but mid-CRLF is not.
        const bytes = Buffer.from(text.replaceAll("\n", "\r\n"));
        let at = 0;
        const next = () => {
          if (at >= bytes.length) return res.end();
          res.write(bytes.subarray(at, at + 7));
          at += 7;
          setImmediate(next);
        };
        next();
      },
    ]);
    try {
      const events = [];
      for await (const e of client(api).queryStream({ query: "How long do refunds take?" })) events.push(e);
      assert.deepEqual(events.map((e) => e.event), ["start", "delta", "citation", "delta", "citation", "done"]);
      const answer = events.at(-1).data.answer;
      assert.equal(events.filter((e) => e.event === "delta").map((e) => e.data.text).join(""), answer);
      const citations = events.filter((e) => e.event === "citation").map((e) => e.data);
      assert.deepEqual(citations.map((c) => c.source.externalItemId), ["refunds", "shipping"]);
      for (const c of citations) assert.equal(answer.slice(c.start, c.end), c.text);
      assert.deepEqual(events.at(-1).data.usage, { inputTokens: 0, outputTokens: 0 });
      const sent = JSON.parse(api.requests[0].body);
      assert.equal(sent.stream, true);
      assert.equal(api.requests[0].headers.accept, "text/event-stream");
      assert.equal(api.requests[0].headers["idempotency-key"], undefined);
    } finally {
      await api.close();
    }
  });

  it("throws an error event as KbError with its code", async () => {
    const api = await fakeApi([
      (req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end('event: start\ndata: {"queryId":"qry_1","searchedQuery":"q"}\n\nevent: error\ndata: {"error":"Bedrock failed","code":"answer_failed"}\n\n');
      },
    ]);
    try {
      const seen = [];
      const error = await (async () => {
        for await (const e of client(api).queryStream({ query: "q" })) seen.push(e.event);
      })().catch((e) => e);
      assert.deepEqual(seen, ["start"]);
      assert.ok(error instanceof KbError);
      assert.equal(error.code, "answer_failed");
    } finally {
      await api.close();
    }
  });

  it("reports a stream cut before done as stream_incomplete", async () => {
    const api = await fakeApi([
      (req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end('event: delta\ndata: {"text":"Refu"}\n\n');
      },
    ]);
    try {
      const error = await (async () => {
        for await (const _ of client(api).queryStream({ query: "q" }));
      })().catch((e) => e);
      assert.equal(error.code, "stream_incomplete");
    } finally {
      await api.close();
    }
  });
});

describe("where requests go", () => {
  it("sends streamed answers to streamUrl and everything else to baseUrl; reads over POST carry no key", async () => {
    const api = await fakeApi([
      (req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end('event: done\ndata: {"answer":"","sources":[],"usage":{"inputTokens":0,"outputTokens":0}}\n\n');
      },
      json(200, { mode: "hybrid", results: [] }),
    ]);
    try {
      const kb = new KbClient({ baseUrl: "http://127.0.0.1:9/api", streamUrl: api.baseUrl.replace(/\/api$/, "/"), apiKey: "k" });
      for await (const _ of kb.chats.createStream({ message: "hi" }));
      assert.equal(api.requests[0].url, "/v1/chats");
      const search = new KbClient({ baseUrl: api.baseUrl, apiKey: "k" });
      await search.search({ query: "refunds" });
      assert.equal(api.requests[1].url, "/api/v1/search");
      assert.equal(api.requests[1].headers["idempotency-key"], undefined);
    } finally {
      await api.close();
    }
  });
});

describe("analytics", () => {
  it("reads reports with their query, pages the query log and rates an answer with an Idempotency-Key", async () => {
    const api = await fakeApi([
      json(200, { from: "a", to: "b", granularity: "day", groupBy: "none", buckets: [], totals: {}, stored: {} }),
      json(200, { queries: [{ id: "q1", text: "refunds" }], nextCursor: "c1" }),
      json(200, { queries: [{ id: "q2", text: "zebra" }], nextCursor: null }),
      json(200, { feedback: { targetId: "q1", kind: "query", rating: "up" } }),
    ]);
    try {
      const kb = client(api);
      const usage = await kb.analytics.usage({ granularity: "day" });
      assert.equal(usage.granularity, "day");
      const texts = [];
      for await (const entry of kb.analytics.queries({ zeroResults: true })) texts.push(entry.text);
      const rated = await kb.analytics.feedback({ queryId: "q1", rating: "up" });
      assert.deepEqual(texts, ["refunds", "zebra"]);
      assert.equal(rated.rating, "up");
      assert.equal(api.requests[0].url, "/api/v1/analytics/usage?granularity=day");
      assert.equal(api.requests[2].url, "/api/v1/analytics/queries?zeroResults=true&cursor=c1");
      assert.equal(api.requests[3].method, "POST");
      assert.ok(api.requests[3].headers["idempotency-key"]);
    } finally {
      await api.close();
    }
  });
});
