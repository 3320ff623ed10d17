// Sources, their items, runs (with the changes as a diff, and apply) and generations (rollback).
import { firstPage, upTo } from "../client.js";
import { badge, busy, confirmAction, describe, field, h, row, say, table, when } from "../dom.js";
import { itemDiff } from "./diff.js";
import { heldPanel } from "./evaluation.js";

const enc = encodeURIComponent;

export async function sourcesView(api) {
  const listArea = h("div");
  async function refresh() {
    const { items: sources } = await firstPage(api.sources.list());
    const rows = sources.map((s) =>
      row(
        h("a", { href: `#/sources/${enc(s.id)}/items` }, s.name),
        h("code", {}, s.id),
        badge(s.status),
        s.publishing?.mode ?? "manual",
        s.currentGenerationId ? h("code", {}, s.currentGenerationId) : "none yet",
        when(s.createdAt),
      ),
    );
    listArea.replaceChildren(table("Sources", ["Name", "Id", "Status", "Publishing", "Serving generation", "Created"], rows));
  }
  const name = h("input", { type: "text", required: true, maxlength: "200" });
  const grace = h("input", { type: "number", min: "0", max: "365", value: "7", inputmode: "numeric" });
  const submit = h("button", { type: "submit" }, "Create source");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "create-source" },
    h("h2", { id: "create-source" }, "Create a source"),
    h("div", { class: "grid" }, field("Name", name), field("Grace days", grace, "How long a missing item keeps serving")),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("A source needs a name.", "error");
    busy(submit, async () => {
      const source = await api.sources.create({ name: name.value.trim(), graceDays: Number(grace.value || 0) });
      say(`Source ${source.name} created.`);
      form.reset();
      await refresh();
    });
  });
  await refresh();
  return h("div", {}, h("h1", { tabindex: "-1" }, "Sources"), form, listArea);
}

// The heading and tabs shared by a source's screens.
export async function sourceFrame(api, sourceId, current, ...content) {
  const source = await api.sources.get(sourceId);
  const tab = (label, path) =>
    h("li", {}, h("a", { href: `#/sources/${enc(sourceId)}/${path}`, "aria-current": path === current ? "page" : null }, label));
  return h(
    "div",
    {},
    h("p", { class: "crumbs" }, h("a", { href: "#/sources" }, "Sources"), " / ", source.name),
    h("h1", { tabindex: "-1" }, `${source.name}: ${current}`),
    h(
      "nav",
      { class: "tabs", "aria-label": "Source" },
      h("ul", {}, tab("Items", "items"), tab("Runs", "runs"), tab("Generations", "generations"), tab("Evaluation", "evaluation"), tab("Settings", "settings")),
    ),
    ...content,
  );
}

export async function itemsView(api, sourceId) {
  const listArea = h("div");
  const filter = h("input", { type: "search" });
  async function refresh() {
    const { items, nextCursor } = await firstPage(api.items.list(sourceId, { q: filter.value.trim() || undefined, limit: 100 }));
    const rows = items.map((item) => {
      const details = h("details", {}, h("summary", {}, item.title || item.externalItemId));
      details.addEventListener("toggle", async () => {
        if (!details.open || details.dataset.loaded) return;
        details.dataset.loaded = "1";
        const { item: full, publication } = await api.items.get(sourceId, item.externalItemId);
        details.append(
          h("p", { class: "hint" }, `Publication: ${publication?.status ?? "unknown"}`),
          h("pre", { class: "content" }, full.content),
        );
      });
      return row(details, h("code", {}, item.externalItemId), badge(item.state), String(item.version), when(item.updatedAt));
    });
    listArea.replaceChildren(
      table("Staged items", ["Title", "External id", "State", "Version", "Updated"], rows),
      nextCursor ? h("p", { class: "hint" }, "Showing the first 100; narrow with the title filter.") : "",
    );
  }
  const filterForm = h("form", { class: "inline", role: "search" }, field("Filter by title", filter), h("button", { type: "submit", class: "secondary" }, "Filter"));
  filterForm.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });

  const itemId = h("input", { type: "text", required: true, maxlength: "250" });
  const title = h("input", { type: "text", maxlength: "1000" });
  const content = h("textarea", { rows: "4", required: true });
  const submit = h("button", { type: "submit" }, "Push item");
  const pushForm = h(
    "form",
    { class: "card", "aria-labelledby": "push-item" },
    h("h2", { id: "push-item" }, "Push an item"),
    h("div", { class: "grid" }, field("External id", itemId), field("Title", title)),
    field("Content", content),
    h("div", { class: "actions" }, submit),
  );
  pushForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!itemId.value.trim() || !content.value.trim()) return say("An item needs an external id and content.", "error");
    busy(submit, async () => {
      const body = { externalItemId: itemId.value.trim(), content: content.value };
      if (title.value.trim()) body.title = title.value.trim();
      const { outcome } = await api.items.upsert(sourceId, body);
      say(`Item ${body.externalItemId}: ${outcome}. Start a run to see it in the changes.`);
      pushForm.reset();
      await refresh();
    });
  });
  await refresh();
  return sourceFrame(api, sourceId, "items", filterForm, listArea, pushForm);
}

const COUNTS = ["created", "updated", "restored", "deleted", "tombstoned", "purged", "unchanged"];

function countsList(counts) {
  return h("dl", { class: "counts" }, COUNTS.map((name) => h("div", {}, h("dt", {}, name), h("dd", {}, String(counts?.[name] ?? 0)))));
}

export async function runsView(api, sourceId) {
  const { items: runs } = await firstPage(api.runs.list(sourceId));
  const start = h("button", { type: "button" }, "Start a run");
  start.addEventListener("click", () =>
    busy(start, async () => {
      const run = await api.runs.create(sourceId, { timeoutMs: 120_000 });
      location.hash = `#/sources/${enc(sourceId)}/runs/${enc(run.id)}`;
    }),
  );
  const rows = runs.map((run) =>
    row(
      h("a", { href: `#/sources/${enc(sourceId)}/runs/${enc(run.id)}` }, run.id),
      badge(run.status),
      COUNTS.filter((n) => n !== "unchanged" && run.counts?.[n]).map((n) => `${n} ${run.counts[n]}`).join(", ") || "no changes",
      run.appliedGenerationId ? h("code", {}, run.appliedGenerationId) : "not applied",
      when(run.createdAt),
    ),
  );
  return sourceFrame(
    api,
    sourceId,
    "runs",
    h("p", {}, "A run compares the staged items with what is published. Open a run to read its changes and apply it."),
    h("div", { class: "actions" }, start),
    table("Runs", ["Run", "Status", "Changes", "Applied as", "Started"], rows),
  );
}

// How each change reads in the diff: a sign (not only a colour) and words.
const SIGNS = {
  created: ["+", "added"],
  restored: ["+", "restored"],
  updated: ["~", "changed"],
  deleted: ["−", "deleted"],
  tombstoned: ["−", "missing (keeps serving through its grace days)"],
  purged: ["−", "removed (grace days over)"],
};

function changeLine(api, sourceId, change) {
  const [sign, words] = SIGNS[change.change] ?? ["?", change.change];
  const line = h(
    "li",
    { class: `change change-${change.change}` },
    h("span", { class: "sign", "aria-hidden": "true" }, sign),
    h("code", {}, change.externalItemId),
    h("span", { class: "words" }, words),
  );
  // Opened on demand: the published version (none for a new item) against the staged one (none
  // for a deleted item).
  const staged = ["created", "updated", "restored"].includes(change.change);
  const summary = change.change === "created"
    ? `Content of ${change.externalItemId} as it will be published`
    : staged ? `Compare ${change.externalItemId} with the published version` : `What ${change.externalItemId} publishes now`;
  const details = h("details", {}, h("summary", {}, summary));
  details.addEventListener("toggle", async () => {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "1";
    const absent = (error) => { if (error?.status === 404) return null; throw error; };
    try {
      const [published, found] = await Promise.all([
        change.change === "created" ? null : api.items.published(sourceId, change.externalItemId).catch(absent),
        staged ? api.items.get(sourceId, change.externalItemId).catch(absent) : null,
      ]);
      details.append(itemDiff(published, found?.item ?? null));
    } catch (error) {
      details.append(h("p", { class: "error" }, describe(error)));
    }
  });
  line.append(details);
  return line;
}

export async function runView(api, sourceId, runId) {
  const run = await api.runs.get(sourceId, runId);
  const changes = await upTo(api.runs.changes(sourceId, runId), 1000).catch((error) => {
    if (error.code === "run_expired") return [];
    throw error;
  });
  const result = h("div", { class: "result", "aria-live": "polite" });
  const applied = Boolean(run.appliedGenerationId);
  const apply = h("button", { type: "button", disabled: applied || run.status !== "succeeded" }, "Apply (publish)");
  apply.addEventListener("click", () =>
    busy(apply, async () => {
      // The client polls a 202 until the generation is published; a failed build throws.
      const reply = await api.runs.apply(sourceId, runId, { timeoutMs: 300_000 });
      const status = reply.status;
      result.replaceChildren(
        h("p", {}, `Apply: ${status}. Generation `, h("code", {}, reply.generationId), ". "),
        h("a", { href: `#/sources/${enc(sourceId)}/generations` }, "See the generations"),
      );
      say(`Apply ${status}: ${reply.generationId}`);
      apply.disabled = true;
    }),
  );
  return sourceFrame(
    api,
    sourceId,
    "runs",
    h("h2", {}, "Run ", h("code", {}, run.id), " ", badge(run.status)),
    countsList(run.counts),
    run.error ? h("p", { class: "error" }, run.error) : "",
    h("h2", { id: "changes" }, `Changes (${changes.length})`),
    changes.length
      ? h("ul", { class: "diff-list", "aria-labelledby": "changes" }, changes.map((c) => changeLine(api, sourceId, c)))
      : h("p", {}, "Nothing to publish: every staged item is as published."),
    h("div", { class: "actions" }, apply),
    applied ? h("p", {}, "Applied as ", h("code", {}, run.appliedGenerationId), ".") : "",
    result,
  );
}

export async function generationsView(api, sourceId) {
  const listArea = h("div");
  const heldArea = h("div");
  async function refresh() {
    const { items: generations } = await firstPage(api.generations.list(sourceId));
    // Held generations first, each with its evaluation report and the decision to make.
    const held = generations.filter((g) => g.status === "held");
    heldArea.replaceChildren(...(await Promise.all(held.map((g) => heldPanel(api, sourceId, g, refresh)))));
    const rows = generations.map((g) => {
      const canRoll = g.status === "succeeded" && !g.current;
      const rollback = h("button", { type: "button", class: "secondary", disabled: !canRoll, "aria-label": `Roll back to ${g.id}` }, "Roll back");
      rollback.addEventListener("click", () =>
        busy(rollback, async () => {
          const ok = await confirmAction("Roll back?", `Search will serve generation ${g.id} again, at once.`, "Roll back");
          if (!ok) return;
          await api.generations.rollback(sourceId, g.id);
          say(`Rolled back: ${g.id} is serving.`);
          await refresh();
        }),
      );
      return row(
        h("code", {}, g.id),
        g.current ? badge("serving", "current") : g.status === "held" ? badge("held: review below", "held") : badge(g.status),
        g.manifest ? `${g.manifest.itemCount} items, ${g.manifest.chunkCount} chunks` : "—",
        when(g.createdAt),
        rollback,
      );
    });
    listArea.replaceChildren(table("Generations, newest first", ["Generation", "Status", "Contents", "Created", "Action"], rows));
  }
  await refresh();
  return sourceFrame(api, sourceId, "generations", listArea, heldArea);
}

// A source's updatable fields (PATCH: only what changed is sent).
export async function settingsView(api, sourceId) {
  const source = await api.sources.get(sourceId);
  const name = h("input", { type: "text", required: true, maxlength: "200", value: source.name });
  const grace = h("input", { type: "number", min: "0", max: "365", inputmode: "numeric", value: String(source.graceDays) });
  const threshold = h("input", { type: "number", min: "0", max: "100", inputmode: "numeric", value: String(source.massDeletionThreshold) });
  const mode = h("select", {}, h("option", { value: "manual" }, "manual: a run and an apply publish"), h("option", { value: "auto" }, "auto: publish by itself after a delay"));
  mode.value = source.publishing?.mode ?? "manual";
  const delay = h("input", { type: "number", min: "0", max: "900", inputmode: "numeric", value: String(source.publishing?.delaySeconds ?? 60) });
  const delayField = field("Publish delay (seconds)", delay, "After the first unpublished change, 0–900");
  const showDelay = () => { delayField.hidden = mode.value !== "auto"; };
  mode.addEventListener("change", showDelay);
  showDelay();
  const submit = h("button", { type: "submit" }, "Save changes");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "edit-source" },
    h("h2", { id: "edit-source" }, "Edit the source"),
    h(
      "div",
      { class: "grid" },
      field("Name", name),
      field("Grace days", grace, "How long a missing item keeps serving, 0–365"),
      field("Mass-deletion guard (%)", threshold, "Share of active items a snapshot may tombstone without opting in; 100: no guard"),
      field("Publishing", mode),
      delayField,
    ),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("A source needs a name.", "error");
    const change = {};
    if (name.value.trim() !== source.name) change.name = name.value.trim();
    if (Number(grace.value) !== source.graceDays) change.graceDays = Number(grace.value);
    if (Number(threshold.value) !== source.massDeletionThreshold) change.massDeletionThreshold = Number(threshold.value);
    const publishing = mode.value === "auto" ? { mode: "auto", delaySeconds: Number(delay.value) } : { mode: "manual" };
    const before = source.publishing ?? { mode: "manual" };
    if (publishing.mode !== before.mode || (publishing.mode === "auto" && publishing.delaySeconds !== before.delaySeconds)) {
      change.publishing = publishing;
    }
    if (!Object.keys(change).length) return say("Nothing to save: no field was changed.");
    busy(submit, async () => {
      const saved = await api.sources.update(sourceId, change);
      Object.assign(source, saved);
      say(`Source ${saved.name} saved (${Object.keys(change).join(", ")}).`);
      form.closest("main")?.querySelector("h1")?.replaceChildren(`${saved.name}: settings`);
    });
  });
  return sourceFrame(api, sourceId, "settings", form);
}
