// Training jobs: start one over chosen sources (mode, optional evaluation gate), follow its
// progress live, cancel it, and list past jobs.
import { firstPage, upTo } from "../client.js";
import { badge, busy, confirmAction, field, h, row, say, table, when } from "../dom.js";

const ENDED = new Set(["completed", "failed", "cancelled"]);
const POLL_MS = 1000;

function meter(label, done, total) {
  // A native progress bar with its numbers in words beside it (never the bar alone).
  const text = total ? `${done} of ${total}` : `${done} so far`;
  return h(
    "div",
    { class: "meter" },
    h("span", { class: "meter-label" }, label),
    h("progress", { max: String(Math.max(total, 1)), value: String(Math.min(done, Math.max(total, 1))), "aria-label": `${label}: ${text}` }),
    h("span", { class: "meter-text" }, text),
  );
}

function sourceLine(names, s) {
  const detail = s.errorCode ? ` (${s.errorCode})` : "";
  return row(
    names.get(s.sourceId) ?? h("code", {}, s.sourceId),
    h("span", {}, badge(s.status), detail),
    `${s.itemsDone ?? 0} of ${s.itemsTotal ?? 0}`,
    s.generationId
      ? h("a", { href: `#/sources/${encodeURIComponent(s.sourceId)}/generations` }, h("code", {}, s.generationId))
      : "—",
  );
}

export async function trainingView(api) {
  const sources = (await upTo(api.sources.list(), 200)).filter((s) => s.status === "active");
  const names = new Map(sources.map((s) => [s.id, s.name]));

  // The job being followed (the latest one, or the one just started).
  const current = h("section", { class: "card", "aria-labelledby": "current-job" });
  const listArea = h("div");
  let timer;

  function showJob(job) {
    const p = job.progress ?? {};
    const running = !ENDED.has(job.status);
    const cancel = h("button", { type: "button", class: "danger", disabled: !running || job.status === "cancelling" }, "Cancel job");
    cancel.addEventListener("click", () =>
      busy(cancel, async () => {
        if (!(await confirmAction("Cancel the job?", "It stops at its next safe point: sources already published keep their new generation; the rest keep serving what they served.", "Cancel job"))) return;
        showJob(await api.training.cancel(job.id));
        say(`Cancelling ${job.id}.`);
      }),
    );
    current.replaceChildren(
      h("h2", { id: "current-job" }, "Job ", h("code", {}, job.id), " ", badge(job.status)),
      h("p", { class: "hint" }, `Mode ${job.mode}`, job.gate ? `, gated on ${job.gate.metric}@${job.gate.k} (largest drop ${job.gate.maxDrop})` : ", no gate", ". Started ", when(job.createdAt), "."),
      meter("Sources", p.sourcesDone ?? 0, p.sourcesTotal ?? 0),
      meter("Items", p.itemsDone ?? 0, p.itemsTotal ?? 0),
      meter("Chunks", p.chunksDone ?? 0, p.chunksTotal ?? 0),
      table("Sources of the job", ["Source", "Outcome", "Items", "Generation"], (job.sources ?? []).map((s) => sourceLine(names, s))),
      h("div", { class: "actions" }, cancel),
    );
    clearTimeout(timer);
    if (running) timer = setTimeout(() => follow(job.id), POLL_MS);
  }

  async function follow(jobId) {
    if (!current.isConnected) return; // the screen was left: stop polling
    try {
      const job = await api.training.status(jobId);
      if (!current.isConnected) return;
      showJob(job);
      if (ENDED.has(job.status)) {
        say(`Training job ${job.id} ${job.status}.`);
        await refreshList();
      }
    } catch (error) {
      timer = setTimeout(() => follow(jobId), POLL_MS * 3); // a hiccup: keep following, slower
    }
  }

  async function refreshList() {
    const { items: jobs } = await firstPage(api.training.jobs({ limit: 20 }));
    const rows = jobs.map((job) =>
      row(
        h("code", {}, job.id),
        badge(job.status),
        job.mode,
        `${job.progress?.sourcesDone ?? 0} of ${job.progress?.sourcesTotal ?? 0}`,
        when(job.createdAt),
        when(job.completedAt),
      ),
    );
    listArea.replaceChildren(table("Jobs, newest first", ["Job", "Status", "Mode", "Sources", "Started", "Ended"], rows));
  }

  const picks = sources.map((s) => h("label", {}, h("input", { type: "checkbox", value: s.id }), ` ${s.name}`));
  const mode = h("select", {}, h("option", { value: "apply" }, "apply: publish each source's pending changes"), h("option", { value: "rebuild" }, "rebuild: re-chunk, re-embed and re-index every item"));
  const gated = h("input", { type: "checkbox" });
  const metric = h("select", {}, h("option", { value: "ndcg" }, "nDCG"), h("option", { value: "recall" }, "recall"));
  const k = h("input", { type: "number", min: "1", max: "100", value: "10", inputmode: "numeric" });
  const maxDrop = h("input", { type: "number", min: "0", max: "1", step: "0.01", value: "0", inputmode: "decimal" });
  const gateFields = h("div", { class: "grid" }, field("Metric", metric), field("Depth k", k, "1–100"), field("Largest drop allowed", maxDrop, "Absolute, 0–1: 0.02 is two points"));
  const showGate = () => { gateFields.hidden = !gated.checked; };
  gated.addEventListener("change", showGate);
  showGate();
  const submit = h("button", { type: "submit" }, "Start training");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "start-job" },
    h("h2", { id: "start-job" }, "Start a job"),
    h("fieldset", { class: "checks" }, h("legend", {}, "Sources (none chosen: every active source)"), picks.length ? picks : h("span", { class: "hint" }, "No active sources.")),
    field("Mode", mode),
    h("label", {}, gated, " Gate each apply on the source's evaluation set (a regression is held, not published)"),
    gateFields,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { mode: mode.value };
    const chosen = picks.map((label) => label.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
    if (chosen.length) body.sourceIds = chosen;
    if (gated.checked) body.gate = { metric: metric.value, k: Number(k.value), maxDrop: Number(maxDrop.value) };
    busy(submit, async () => {
      const job = await api.training.start(body);
      say(`Training job ${job.id} started.`);
      showJob(job);
      await refreshList();
      current.querySelector("h2")?.focus();
    });
  });

  const latest = await api.training.status().catch((error) => {
    if (error?.status === 404) return null; // no job yet
    throw error;
  });
  if (latest) showJob(latest);
  else current.replaceChildren(h("h2", { id: "current-job" }, "No job yet"), h("p", { class: "empty" }, "Start one above; its progress shows here."));
  await refreshList();
  return h("div", {}, h("h1", { tabindex: "-1" }, "Training jobs"), form, current, listArea);
}
