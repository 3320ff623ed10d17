// Search and answer playground: modes, filters, and citations opened in place (the cited stretch
// of the item, marked inside its text).
import { firstPage } from "../client.js";
import { busy, field, h, say } from "../dom.js";

// location.start/end count Unicode code points; JavaScript strings count UTF-16 units.
function citedParts(content, location) {
  const points = Array.from(content);
  const start = location?.start ?? 0;
  const end = location?.end ?? points.length;
  return [points.slice(0, start).join(""), points.slice(start, end).join(""), points.slice(end).join("")];
}

function citation(api, ref, label) {
  const panel = h("div", { class: "citation", hidden: true });
  const open = h("button", { type: "button", class: "secondary", "aria-expanded": "false" }, `Open ${label}`);
  open.addEventListener("click", () =>
    busy(open, async () => {
      const opening = panel.hidden;
      panel.hidden = !opening;
      open.setAttribute("aria-expanded", String(opening));
      open.textContent = `${opening ? "Close" : "Open"} ${label}`;
      if (!opening || panel.dataset.loaded) return;
      const { item } = await api.items.get(ref.sourceId, ref.externalItemId);
      const [before, cited, after] = citedParts(item.content, ref.location);
      const where = ref.location?.page ? `page ${ref.location.page}` : ref.location?.headingPath?.length ? ref.location.headingPath.join(" › ") : null;
      panel.dataset.loaded = "1";
      panel.append(
        h("p", { class: "hint" }, `${item.title || item.externalItemId}${where ? ` (${where})` : ""}: the cited passage is marked.`),
        h("pre", { class: "content" }, before, h("mark", {}, cited), after),
      );
      panel.querySelector("mark").scrollIntoView({ block: "nearest" });
    }),
  );
  return [open, panel];
}

function parseMetadata(text) {
  const metadata = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at < 1) throw new Error(`Metadata filter "${line}" is not name=value.`);
    metadata[line.slice(0, at).trim()] = { eq: line.slice(at + 1).trim() };
  }
  return metadata;
}

export async function playgroundView(api) {
  const { items: sources } = await firstPage(api.sources.list());
  const query = h("textarea", { rows: "2", required: true });
  const what = h("select", {}, h("option", { value: "search" }, "Search results"), h("option", { value: "answer" }, "An answer with citations"));
  const mode = h("select", {}, ["default", "hybrid", "keyword", "semantic"].map((m) => h("option", { value: m }, m)));
  const sourcePick = h("select", { multiple: true, size: String(Math.min(4, Math.max(2, sources.length))) }, sources.map((s) => h("option", { value: s.id }, s.name)));
  const tags = h("input", { type: "text" });
  const metadata = h("textarea", { rows: "2" });
  const submit = h("button", { type: "submit" }, "Go");
  const results = h("div", { class: "results-area", "aria-live": "polite" });

  const form = h(
    "form",
    { class: "card", role: "search" },
    field("Question or search", query),
    h(
      "div",
      { class: "grid" },
      field("Show", what),
      field("Search mode", mode, "Answers use the default mode"),
      field("Sources", sourcePick, "None selected: all"),
      field("Tags (any of)", tags, "Comma-separated"),
      field("Metadata", metadata, "One name=value per line"),
    ),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!query.value.trim()) return say("Type a question or search.", "error");
    busy(submit, async () => {
      const body = { query: query.value.trim() };
      const picked = Array.from(sourcePick.selectedOptions).map((o) => o.value);
      if (picked.length) body.sourceIds = picked;
      const filters = {};
      const tagList = tags.value.split(",").map((t) => t.trim()).filter(Boolean);
      if (tagList.length) filters.tags = { any: tagList };
      const meta = parseMetadata(metadata.value);
      if (Object.keys(meta).length) filters.metadata = meta;
      if (Object.keys(filters).length) body.filters = filters;
      if (what.value === "answer") await streamAnswer(body);
      else {
        if (mode.value !== "default") body.mode = mode.value;
        renderResults(await api.search({ ...body, limit: 10 }));
      }
      results.querySelector("h2")?.focus();
    });
  });

  function renderResults(reply) {
    const list = reply.results.map((r, index) => {
      const [open, panel] = citation(api, { ...r.item, location: r.location }, `result ${index + 1}`);
      return h(
        "li",
        { class: "result-card" },
        h("h3", {}, r.item.title || r.item.externalItemId),
        h("p", { class: "hint" }, `${r.item.externalItemId} · score ${r.score.toFixed(4)}`),
        h("p", {}, r.text),
        open,
        panel,
      );
    });
    results.replaceChildren(
      h("h2", { id: "results", tabindex: "-1" }, `${reply.results.length} results (${reply.mode})`),
      reply.results.length ? h("ol", { class: "results" }, list) : h("p", {}, "Nothing matched."),
    );
  }

  // The answer is streamed (the client's queryStream): its text grows with each delta, each
  // source is listed as soon as its citation arrives, and `done` settles the heading. Screen
  // readers hear the finished answer once (the growing text is not a live region).
  async function streamAnswer(body) {
    const heading = h("h2", { id: "results", tabindex: "-1" }, "Answering…");
    const text = h("p", { class: "answer", "aria-busy": "true" });
    const list = h("ol", { class: "results" });
    const listed = new Set();
    const done = h("p", { class: "visually-hidden", role: "status" });
    results.replaceChildren(heading, text, list, done);
    const addSource = (source, number) => {
      const key = `${source.sourceId}\u0000${source.externalItemId}\u0000${number}`;
      if (listed.has(key)) return;
      listed.add(key);
      const [open, panel] = citation(api, source, `source ${number}`);
      list.append(h("li", { class: "result-card", value: String(number) }, h("h3", {}, `[${number}] ${source.title || source.externalItemId}`), h("p", {}, source.excerpt ?? ""), open, panel));
    };
    try {
      for await (const { event, data } of api.queryStream(body)) {
        if (event === "delta") text.append(data.text);
        else if (event === "citation") addSource(data.source ?? data, data.number ?? listed.size + 1);
        else if (event === "done") {
          text.textContent = data.answer;
          list.replaceChildren();
          listed.clear();
          (data.sources ?? []).forEach((source, index) => addSource(source, index + 1));
          heading.textContent = data.found === false ? "No answer found" : `Answer (${data.mode ?? "default"})`;
          done.textContent = `Answer complete: ${data.answer}`;
        }
      }
    } finally {
      text.removeAttribute("aria-busy");
    }
  }

  return h("div", {}, h("h1", { tabindex: "-1" }, "Search & answers"), form, results);
}
