// Analytics (admin key): usage over a range as bars with their numbers, latency and errors per
// endpoint, apply and training durations, the query log (what found nothing, what was rated), and
// the tenant's query-logging setting. Every chart is a table first: the bars only draw its numbers.
import { upTo } from "../client.js";
import { badge, busy, field, h, row, say, table, when } from "../dom.js";

const RANGES = { day: ["Last 24 hours", 1, "hour"], week: ["Last 7 days", 7, "day"], month: ["Last 30 days", 30, "day"] };
const ms = (value) => (value === null || value === undefined ? "—" : `${Math.round(value * 10) / 10} ms`);
const secs = (value) => (value === null || value === undefined ? "—" : `${Math.round(value * 10) / 10} s`);
const percent = (value) => `${Math.round(value * 1000) / 10} %`;

function bar(value, most, label) {
  const width = most ? Math.max(1, Math.round((value / most) * 100)) : 0;
  const drawn = h("span", { class: "bar", "aria-hidden": "true" });
  drawn.style.width = `${width}%`; // through the CSSOM: the CSP refuses inline style attributes
  return h("div", { class: "bar-cell" }, drawn, h("span", { class: "bar-value", "aria-label": label }, String(value)));
}

function usageTable(usage) {
  const most = Math.max(0, ...usage.buckets.map((b) => b.requests.total));
  const rows = usage.buckets.map((bucket) =>
    row(when(bucket.start), bar(bucket.requests.total, most, `${bucket.requests.total} requests`), bucket.searches, bucket.queries, bucket.chatMessages, bucket.requests["4xx"] + bucket.requests["5xx"]),
  );
  return table(`Requests by ${usage.granularity}`, ["From", "Requests", "Searches", "Questions", "Chat messages", "Errors"], rows);
}

function totals(usage) {
  const t = usage.totals;
  const counts = [
    ["Requests", t.requests.total],
    ["Items pushed", t.itemsPushed],
    ["Runs", t.runs],
    ["Applies", t.applies],
    ["Searches", t.searches],
    ["Questions", t.queries],
    ["Chat messages", t.chatMessages],
    ["Answer tokens", t.answerTokens],
    ["Rated up", t.ratingsUp],
    ["Rated down", t.ratingsDown],
    ["Items stored", usage.stored.items],
    ["Chunks stored", usage.stored.chunks],
  ];
  return h("dl", { class: "counts" }, counts.map(([name, value]) => h("div", {}, h("dt", {}, name), h("dd", {}, String(value)))));
}

function performanceTables(performance) {
  const endpoints = performance.endpoints.map((e) =>
    row(h("code", {}, e.endpoint), e.requests, percent(e.errorRate), ms(e.latencyMs.p50), ms(e.latencyMs.p95), ms(e.latencyMs.p99)),
  );
  const durations = performance.durations.map((d) => row(d.kind, d.count, secs(d.seconds.p50), secs(d.seconds.p95), secs(d.seconds.p99)));
  return [
    table("Latency and errors per endpoint", ["Endpoint", "Requests", "Error rate (5xx)", "p50", "p95", "p99"], endpoints),
    table("Apply and training durations", ["Work", "Count", "p50", "p95", "p99"], durations),
  ];
}

async function queryLog(api, from, zeroOnly) {
  const entries = await upTo(api.analytics.queries({ from, zeroResults: zeroOnly || undefined }), 50);
  const rows = entries.map((q) =>
    row(when(q.createdAt), q.kind, q.text ?? h("span", { class: "empty" }, "(redacted)"), q.resultCount, q.found ? "yes" : "no", ms(q.latencyMs), q.rating ? badge(q.rating, q.rating === "up" ? "succeeded" : "failed") : "—", q.comment ?? ""),
  );
  return table(zeroOnly ? "Queries that found nothing" : "Recent queries", ["When", "Kind", "Text", "Results", "Answer found", "Latency", "Rating", "Comment"], rows);
}

function settingsForm(api, settings) {
  const logging = h("select", {}, ["full", "redacted", "off"].map((v) => h("option", { value: v }, v)));
  logging.value = settings.queryLogging;
  const days = h("input", { type: "number", min: "1", max: "365", required: true, value: settings.retentionDays });
  const save = h("button", { type: "submit" }, "Save logging");
  const form = h(
    "form",
    { class: "card" },
    h("h2", {}, "Query logging"),
    h("div", { class: "grid" }, field("Logging", logging, "redacted keeps no text, only a hash"), field("Keep for (days)", days)),
    h("div", { class: "actions" }, save),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, async () => {
      const saved = await api.analytics.updateSettings({ queryLogging: logging.value, retentionDays: Number(days.value) });
      say(`Query logging is ${saved.queryLogging}, kept ${saved.retentionDays} days.`);
    });
  });
  return form;
}

export async function analyticsView(api) {
  const range = h("select", {}, Object.entries(RANGES).map(([value, [label]]) => h("option", { value }, label)));
  const zeroOnly = h("input", { type: "checkbox" });
  const area = h("div", { "aria-live": "polite" });

  async function refresh() {
    const [, days, granularity] = RANGES[range.value];
    const from = new Date(Date.now() - days * 86_400_000).toISOString();
    const [usage, performance, log] = await Promise.all([
      api.analytics.usage({ from, granularity }),
      api.analytics.performance({ from }),
      queryLog(api, from, zeroOnly.checked),
    ]);
    area.replaceChildren(h("h2", {}, "Usage"), totals(usage), usageTable(usage), h("h2", {}, "Performance"), ...performanceTables(performance), h("h2", {}, "Query log"), log);
  }

  const controls = h(
    "div",
    { class: "card grid" },
    field("Range", range),
    h("div", { class: "field" }, h("label", {}, zeroOnly, " Only queries that found nothing")),
  );
  range.addEventListener("change", () => refresh().catch((error) => say(String(error.message ?? error), "error")));
  zeroOnly.addEventListener("change", () => refresh().catch((error) => say(String(error.message ?? error), "error")));
  const settings = await api.analytics.settings();
  await refresh();
  return h("div", {}, h("h1", { tabindex: "-1" }, "Analytics"), controls, area, settingsForm(api, settings));
}
