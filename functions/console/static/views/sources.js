// Sources, their items, runs (with the changes as a diff, and apply) and generations (rollback).
import { badge, busy, confirmAction, field, h, row, say, table, when } from "../dom.js";

const enc = encodeURIComponent;

export async function sourcesView(api) {
  const listArea = h("div");
  async function refresh() {
    const { sources } = await api.sources.list();
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
      const { source } = await api.sources.create({ name: name.value.trim(), graceDays: Number(grace.value || 0) });
      say(`Source ${source.name} created.`);
      form.reset();
      await refresh();
    });
  });
  await refresh();
  return h("div", {}, h("h1", { tabindex: "-1" }, "Sources"), form, listArea);
}

// The heading and tabs shared by a source's screens.
async function sourceFrame(api, sourceId, current, ...content) {
  const { source } = await api.sources.get(sourceId);
  const tab = (label, path) =>
    h("li", {}, h("a", { href: `#/sources/${enc(sourceId)}/${path}`, "aria-current": path === current ? "page" : null }, label));
  return h(
    "div",
    {},
    h("p", { class: "crumbs" }, h("a", { href: "#/sources" }, "Sources"), " / ", source.name),
    h("h1", { tabindex: "-1" }, `${source.name}: ${current === "items" ? "items" : current === "runs" ? "runs" : "generations"}`),
    h("nav", { class: "tabs", "aria-label": "Source" }, h("ul", {}, tab("Items", "items"), tab("Runs", "runs"), tab("Generations", "generations"))),
    ...content,
  );
}

export async function itemsView(api, sourceId) {
  const listArea = h("div");
  const filter = h("input", { type: "search" });
  async function refresh() {
    const { items, nextCursor } = await api.items.list(sourceId, { q: filter.value.trim() || undefined, limit: 100 });
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
  const { runs } = await api.runs.list(sourceId);
  const start = h("button", { type: "button" }, "Start a run");
  start.addEventListener("click", () =>
    busy(start, async () => {
      const { run } = await api.runs.start(sourceId);
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
  if (["created", "updated", "restored"].includes(change.change)) {
    const details = h("details", {}, h("summary", {}, `Content of ${change.externalItemId} as it will be published`));
    details.addEventListener("toggle", async () => {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "1";
      const { item } = await api.items.get(sourceId, change.externalItemId);
      // The staged text, line by line, marked as the lines this apply publishes.
      const lines = `${item.title ? `# ${item.title}\n` : ""}${item.content}`.split("\n");
      details.append(h("pre", { class: "diff" }, lines.map((text) => h("span", { class: "added" }, `${sign} ${text}\n`))));
    });
    line.append(details);
  }
  return line;
}

export async function runView(api, sourceId, runId) {
  const { run } = await api.runs.get(sourceId, runId);
  const changes = [];
  let cursor;
  do {
    const page = await api.runs.changes(sourceId, runId, cursor).catch((error) => {
      if (error.code === "run_expired") return { changes: [], nextCursor: null };
      throw error;
    });
    changes.push(...page.changes);
    cursor = page.nextCursor;
  } while (cursor && changes.length < 1000);
  const result = h("div", { class: "result", "aria-live": "polite" });
  const applied = Boolean(run.appliedGenerationId);
  const apply = h("button", { type: "button", disabled: applied || run.status !== "succeeded" }, "Apply (publish)");
  apply.addEventListener("click", () =>
    busy(apply, async () => {
      const reply = await api.runs.apply(sourceId, runId);
      const status = reply.generation?.status === "failed" ? "failed" : reply.status === "applying" ? "published" : reply.status;
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
  async function refresh() {
    const { generations } = await api.generations.list(sourceId);
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
        g.current ? badge("serving", "current") : badge(g.status),
        g.manifest ? `${g.manifest.itemCount} items, ${g.manifest.chunkCount} chunks` : "—",
        when(g.createdAt),
        rollback,
      );
    });
    listArea.replaceChildren(table("Generations, newest first", ["Generation", "Status", "Contents", "Created", "Action"], rows));
  }
  await refresh();
  return sourceFrame(api, sourceId, "generations", listArea);
}
