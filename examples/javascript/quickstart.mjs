// The quickstart with the JavaScript client (clients/js): create a source, push items, run and
// apply (waiting for 202s), search, then a streamed answer (or a plain one, if the API does not
// stream). Needs CHATBOT_API (e.g. http://127.0.0.1:3000/api) and CHATBOT_KEY (a write key);
// CHATBOT_STREAM_URL (the stack's StreamUrl; locally http://127.0.0.1:3001) streams the answer as
// it is produced, where without it the same events arrive once the answer is complete.
// In your own project: `npm install <path to clients/js>` and import from "@kb/client".
import { KbClient, KbError } from "../../clients/js/dist/index.js";

const kb = new KbClient({
  baseUrl: process.env.CHATBOT_API,
  streamUrl: process.env.CHATBOT_STREAM_URL || undefined,
  apiKey: process.env.CHATBOT_KEY,
});

// 1. A source
const source = await kb.sources.create({ name: "JavaScript example", graceDays: 7 });
console.log("source:", source.id);

// 2. Items: one upsert, then any number at once (sent in batches of up to 1000)
const one = await kb.items.upsert(source.id, {
  externalItemId: "refunds", title: "Refunds", content: "Refunds take 14 days to reach your card.", tags: ["billing"],
});
console.log("upsert refunds:", one.outcome);
const batch = await kb.items.sync(source.id, [
  { externalItemId: "shipping", title: "Shipping", content: "We ship every order within 2 days." },
  { externalItemId: "returns", title: "Returns", content: "Returns are free for 30 days." },
]);
console.log("batch:", { succeeded: batch.succeeded, failed: batch.failed });

// 3. Run, then apply it: both wait for their state machine (polling a 202's Location)
const { run, result } = await kb.runs.runAndApply(source.id);
console.log("run:", run.id, run.counts);
console.log("apply:", result.status, result.generationId);

// 4. Search, then ask
const found = await kb.search({ query: "how long do refunds take", sourceIds: [source.id], limit: 3 });
for (const r of found.results) console.log("search:", r.item.externalItemId, r.score.toFixed(4));

const question = { query: "How long do refunds take?", sourceIds: [source.id] };
let answer;
try {
  process.stdout.write("answer: ");
  for await (const event of kb.queryStream(question)) {
    if (event.event === "delta") process.stdout.write(event.data.text);
    if (event.event === "done") answer = event.data;
  }
  process.stdout.write("\n");
} catch (error) {
  // An API without streaming refuses the field: ask without it.
  if (!(error instanceof KbError && error.code === "validation_error")) throw error;
  answer = await kb.query(question);
  console.log(answer.answer);
}

console.log(JSON.stringify({
  sourceId: source.id, counts: run.counts, applyStatus: result.status, generationId: result.generationId,
  searchIds: found.results.map((r) => r.item.externalItemId), answer: answer.answer,
  citedIds: answer.sources.map((s) => s.externalItemId),
}));
