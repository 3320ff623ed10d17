// Training jobs, gated applies and held generations against a scripted server: what the client
// sends, and that every wait ends on a state that no longer moves.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KbClient } from "../dist/index.js";
import { fakeApi, json } from "./fake-api.mjs";

const client = (api) => new KbClient({ baseUrl: api.baseUrl, apiKey: "sk_live_test", retryBaseMs: 10 });
const job = (status, itemsDone) => ({
  job: { id: "train_1", mode: "apply", status, sources: [], progress: { sourcesTotal: 1, itemsDone, itemsTotal: 2 } },
});

describe("gated applies", () => {
  it("sends the gate and answers a held generation as held instead of polling on", async () => {
    const api = await fakeApi([
      json(202, { status: "applying", generationId: "gen_2" }, { Location: "/api/v1/sources/src_1/generations/gen_2" }),
      json(200, { generation: { id: "gen_2", status: "running", counts: {} } }),
      json(200, { generation: { id: "gen_2", status: "held", counts: { updated: 1 } } }),
    ]);
    try {
      const result = await client(api).runs.apply("src_1", "run_1", { gate: { metric: "ndcg", k: 10, maxDrop: 0.02 }, pollIntervalMs: 10 });
      assert.deepEqual(JSON.parse(api.requests[0].body), { gate: { metric: "ndcg", k: 10, maxDrop: 0.02 } });
      assert.deepEqual(result, { status: "held", generationId: "gen_2", counts: { updated: 1 } });
      assert.equal(api.requests.length, 3);
    } finally {
      await api.close();
    }
  });

  it("reads a held generation's report, then publishes or discards it by its routes", async () => {
    const evaluation = { generationId: "gen_2", outcome: "held", before: 1, after: 0.5, regressed: [{ queryId: "q1", before: 1, after: 0.5 }] };
    const api = await fakeApi([
      json(200, { evaluation }),
      json(200, { status: "published", generationId: "gen_2" }),
      json(200, { status: "discarded", generationId: "gen_3" }),
    ]);
    try {
      const kb = client(api);
      assert.equal((await kb.generations.evaluation("src_1", "gen_2")).regressed[0].queryId, "q1");
      assert.equal((await kb.generations.publish("src_1", "gen_2")).status, "published");
      assert.equal((await kb.generations.discard("src_1", "gen_3")).status, "discarded");
      assert.deepEqual(api.requests.map((r) => `${r.method} ${r.url}`), [
        "GET /api/v1/sources/src_1/generations/gen_2/evaluation",
        "POST /api/v1/sources/src_1/generations/gen_2/publish",
        "POST /api/v1/sources/src_1/generations/gen_3/discard",
      ]);
      assert.ok(api.requests[1].headers["idempotency-key"]);
    } finally {
      await api.close();
    }
  });

  it("puts, lists and deletes a source's evaluation queries", async () => {
    const query = { id: "refund time", query: "refund", relevantItemIds: ["refunds"] };
    const api = await fakeApi([json(201, { query }), json(200, { queries: [query], nextCursor: null }), json(200, { query })]);
    try {
      const kb = client(api);
      await kb.evaluation.put("src_1", "refund time", { query: "refund", relevantItemIds: ["refunds"] });
      assert.deepEqual(await kb.evaluation.list("src_1").toArray(), [query]);
      await kb.evaluation.delete("src_1", "refund time");
      assert.equal(api.requests[0].method, "PUT");
      assert.equal(api.requests[0].url, "/api/v1/sources/src_1/evaluation/queries/refund%20time");
      assert.deepEqual(JSON.parse(api.requests[0].body), { query: "refund", relevantItemIds: ["refunds"] });
      assert.equal(api.requests[2].method, "DELETE");
    } finally {
      await api.close();
    }
  });
});

describe("training", () => {
  it("starts a job and, waiting, reports its progress until it has ended", async () => {
    const api = await fakeApi([json(202, job("queued", 0)), json(200, job("running", 1)), json(200, job("completed", 2))]);
    try {
      const seen = [];
      const done = await client(api).training.start(
        { sourceIds: ["src_1"], mode: "rebuild" },
        { wait: true, pollIntervalMs: 10, onProgress: (j) => seen.push(`${j.progress.itemsDone}/${j.progress.itemsTotal}`) },
      );
      assert.deepEqual(JSON.parse(api.requests[0].body), { sourceIds: ["src_1"], mode: "rebuild" });
      assert.equal(api.requests[1].url, "/api/v1/train/status?jobId=train_1");
      assert.deepEqual(seen, ["1/2", "2/2"]);
      assert.equal(done.status, "completed");
    } finally {
      await api.close();
    }
  });

  it("cancels a job by its id and lists jobs page by page", async () => {
    const api = await fakeApi([
      json(200, job("cancelling", 1)),
      json(200, { jobs: [job("cancelled", 1).job], nextCursor: "c2" }),
      json(200, { jobs: [job("completed", 2).job], nextCursor: null }),
    ]);
    try {
      const kb = client(api);
      assert.equal((await kb.training.cancel("train_1")).status, "cancelling");
      assert.deepEqual(JSON.parse(api.requests[0].body), { jobId: "train_1" });
      assert.deepEqual((await kb.training.jobs().toArray()).map((j) => j.status), ["cancelled", "completed"]);
      assert.equal(api.requests[2].url, "/api/v1/train/jobs?cursor=c2");
    } finally {
      await api.close();
    }
  });
});
