// The client against the running local stack: KB_API_URL and KB_ADMIN_KEY name it
// (tests/e2e/test_js_client.py starts the stack and runs this file). Skipped without them.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { before, describe, it } from "node:test";
import { KbClient, KbError, verifyWebhook } from "../dist/index.js";

const baseUrl = process.env.KB_API_URL;
const adminKey = process.env.KB_ADMIN_KEY;
const streamUrl = process.env.KB_STREAM_URL || undefined;
const skip = !baseUrl || !adminKey ? "KB_API_URL and KB_ADMIN_KEY name no stack" : false;
const items = [
  { externalItemId: "refunds", title: "Refunds", content: "Refunds take 14 days to reach your card.", tags: ["billing"] },
  { externalItemId: "shipping", title: "Shipping", content: "We ship every order within 2 days." },
  { externalItemId: "returns", title: "Returns", content: "Returns are free for 30 days." },
];

/** A fetch that records what the client sent, then sends it for real. */
function recordingFetch() {
  const sent = [];
  const recorder = async (url, init) => {
    sent.push({ url: String(url), method: init.method, headers: init.headers });
    return fetch(url, init);
  };
  return { sent, fetch: recorder };
}

async function pollUntil(what, check, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < deadline, `${what} did not happen within ${seconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("against the local stack", { skip }, () => {
  let admin;
  let writer;
  let recorded;

  before(async () => {
    admin = new KbClient({ baseUrl, apiKey: adminKey });
    const created = await admin.keys.create({ name: "js client", scope: "write" });
    recorded = recordingFetch();
    writer = new KbClient({ baseUrl, streamUrl, apiKey: created.secret, fetch: recorded.fetch });
  });

  it("goes from a new source to a cited answer", async () => {
    recorded.sent.length = 0;
    // Given a source with three items pushed in one sync
    const source = await writer.sources.create({ name: "JS client help" });
    const synced = await writer.items.sync(source.id, items);
    assert.equal(synced.succeeded, 3);
    assert.deepEqual(synced.results.map((r) => r.outcome), ["created", "created", "created"]);
    // When it is run and applied
    const { run, result } = await writer.runs.runAndApply(source.id);
    // Then the run counted three new items and the generation is published
    assert.equal(run.status, "succeeded");
    assert.equal(run.counts.created, 3);
    assert.equal(result.status, "published");
    assert.equal((await writer.sources.get(source.id)).currentGenerationId, result.generationId);
    // And the item as published is the one pushed (what a run's diff compares with)
    const published = await writer.items.published(source.id, "refunds");
    assert.deepEqual([published.generationId, published.text, published.tags], [result.generationId, items[0].content, ["billing"]]);
    // And search finds the item, and the answer cites it
    const found = await writer.search({ query: "how long do refunds take", sourceIds: [source.id], limit: 3 });
    assert.equal(found.results[0].item.externalItemId, "refunds");
    const answer = await writer.query({ query: "How long do refunds take?", sourceIds: [source.id] });
    assert.equal(answer.found, true);
    assert.match(answer.answer, /14 days/);
    assert.equal(answer.sources[0].externalItemId, "refunds");
    // And every mutation carried its own Idempotency-Key; the reads sent as POST carried none
    const reads = recorded.sent.filter((r) => /\/v1\/(search|query)$/.test(r.url));
    const mutations = recorded.sent.filter((r) => r.method !== "GET" && !reads.includes(r));
    assert.ok(mutations.length >= 4 && reads.length === 2);
    for (const r of mutations) assert.match(r.headers["Idempotency-Key"], /^[0-9a-f-]{36}$/);
    assert.equal(new Set(mutations.map((r) => r.headers["Idempotency-Key"])).size, mutations.length);
    for (const r of reads) assert.equal(r.headers["Idempotency-Key"], undefined);
  });

  it("follows cursors through every page of a listing", async () => {
    const source = await writer.sources.create({ name: "JS paging" });
    await writer.items.sync(source.id, items);
    const pages = [];
    for await (const page of writer.items.list(source.id, { limit: 2 }).pages()) pages.push(page.items.map((i) => i.externalItemId));
    assert.deepEqual(pages, [["refunds", "returns"], ["shipping"]]);
    const all = await writer.items.list(source.id, { limit: 1 }).toArray();
    assert.deepEqual(all.map((i) => i.externalItemId), ["refunds", "returns", "shipping"]);
  });

  it("syncs a snapshot: what it leaves out goes missing, and the next run tombstones it", async () => {
    // Given a published source of three items
    const source = await writer.sources.create({ name: "JS snapshot", graceDays: 7 });
    await writer.items.sync(source.id, items);
    await writer.runs.runAndApply(source.id);
    // When a snapshot of two of them, one changed, is synced
    const snapshot = await writer.items.sync(source.id, [items[0], { ...items[1], content: "We ship within 1 day." }], { snapshot: true });
    // Then the third went missing, and the run tombstones it and counts the change
    assert.equal(snapshot.status, "committed");
    assert.deepEqual(snapshot.counts, { created: 0, updated: 1, unchanged: 1, restored: 0, missing: 1 });
    const { run } = await writer.runs.runAndApply(source.id);
    assert.equal(run.counts.tombstoned, 1);
    assert.equal(run.counts.updated, 1);
    const changes = await writer.runs.changes(source.id, run.id).toArray();
    assert.deepEqual(changes.map((c) => [c.externalItemId, c.change]).sort(), [["returns", "tombstoned"], ["shipping", "updated"]]);
  });

  it("replays a mutation sent again with the same Idempotency-Key", async () => {
    const first = await writer.http.json("POST", "/v1/sources", { body: { name: "JS once" }, idempotencyKey: "js-once-1" });
    const again = await writer.http.json("POST", "/v1/sources", { body: { name: "JS once" }, idempotencyKey: "js-once-1" });
    assert.equal(again.data.source.id, first.data.source.id);
    assert.equal(again.headers.get("Idempotent-Replayed"), "true");
  });

  it("throws the API's errors as KbError with status and code", async () => {
    const missing = await writer.sources.get("src_0000000000000000").catch((e) => e);
    assert.ok(missing instanceof KbError);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, "not_found");
    const forbidden = await writer.keys.list().toArray().catch((e) => e);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.code, "insufficient_scope");
  });

  it("reports rate_limited with the stack's Retry-After when told not to retry", async () => {
    const { secret } = await admin.keys.create({ name: "js slow", scope: "read", rateLimitPerMinute: 1 });
    const slow = new KbClient({ baseUrl, apiKey: secret, maxRetries: 0 });
    // One request each (a listing could follow cursors through a busy tenant's pages)
    await slow.search({ query: "anything" });
    const error = await slow.search({ query: "anything" }).catch((e) => e);
    assert.equal(error.status, 429);
    assert.equal(error.code, "rate_limited");
    const after = Number(error.headers.get("Retry-After"));
    assert.ok(after >= 0 && after <= 60, `Retry-After ${after}`);
  });

  it("verifies a real signed delivery", async () => {
    // Given a receiver on loopback and a webhook pointing at it
    const received = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/hook`;
      const { webhook, secret } = await admin.webhooks.create({ url, events: ["webhook.test"] });
      // When the API sends it a test event
      await admin.webhooks.test(webhook.id);
      const delivery = await pollUntil("a delivery", () => received[0]);
      // Then its signature verifies with the webhook's secret, and not with another
      const event = await verifyWebhook(secret, delivery.body, delivery.headers);
      assert.equal(event.type, "webhook.test");
      const rotated = await admin.webhooks.rotateSecret(webhook.id);
      assert.notEqual(rotated.secret, secret);
      await assert.rejects(verifyWebhook(rotated.secret, delivery.body, delivery.headers));
      await admin.webhooks.delete(webhook.id);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("streams an answer from the stack (once the stack streams)", async (t) => {
    const source = await writer.sources.create({ name: "JS stream" });
    await writer.items.sync(source.id, items);
    await writer.runs.runAndApply(source.id);
    const events = [];
    try {
      for await (const e of writer.queryStream({ query: "How long do refunds take?", sourceIds: [source.id] })) events.push(e);
    } catch (error) {
      // Until the streaming endpoint lands, the stack refuses the field: the recorded stream
      // (client.test.mjs) is then what covers the parser.
      if (error instanceof KbError && error.code === "validation_error" && /stream/.test(error.message)) {
        t.skip("the stack does not stream answers yet");
        return;
      }
      throw error;
    }
    // Then start, the deltas that make the answer, a citation of the refunds item, and done
    assert.equal(events[0].event, "start");
    assert.equal(events[0].data.searchedQuery, "How long do refunds take?");
    const done = events.at(-1);
    assert.equal(done.event, "done");
    assert.equal(events.filter((e) => e.event === "delta").map((e) => e.data.text).join(""), done.data.answer);
    assert.match(done.data.answer, /14 days/);
    const citation = events.find((e) => e.event === "citation").data;
    assert.equal(citation.source.externalItemId, "refunds");
    assert.equal([...done.data.answer].slice(citation.start, citation.end).join(""), citation.text);
    assert.equal(done.data.sources[0].externalItemId, "refunds");
    // And no Idempotency-Key went with it (the API refuses one on streamed turns)
    const sent = recorded.sent.at(-1);
    assert.equal(sent.headers["Idempotency-Key"], undefined);
    if (streamUrl) assert.ok(sent.url.startsWith(streamUrl), sent.url);
  });

  it("streams a chat turn, then answers it as a follow-up", async (t) => {
    const source = await writer.sources.create({ name: "JS chat" });
    await writer.items.sync(source.id, items);
    await writer.runs.runAndApply(source.id);
    const first = await writer.chats.create({ message: "How long do refunds take?", sourceIds: [source.id] });
    assert.equal(first.message.role, "assistant");
    let done;
    try {
      for await (const e of writer.chats.sendStream(first.chat.id, "And how fast is shipping?")) if (e.event === "done") done = e.data;
    } catch (error) {
      if (error instanceof KbError && error.code === "validation_error" && /stream/.test(error.message)) {
        t.skip("the stack does not stream answers yet");
        return;
      }
      throw error;
    }
    assert.equal(done.chatId ?? done.chat?.id, first.chat.id);
    const history = await writer.chats.history(first.chat.id).toArray();
    assert.equal(history.length, 4);
    assert.equal(history.at(-1).content, done.answer);
  });
});
