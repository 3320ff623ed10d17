// Evaluation-gated publishing: a held generation's report with Publish / Discard, and a source's
// evaluation set (the queries a gate measures), editable.
import { upTo } from "../client.js";
import { badge, busy, confirmAction, describe, field, h, row, say, table } from "../dom.js";
import { sourceFrame } from "./sources.js";

const score = (value) => (value === null || value === undefined ? "—" : value.toFixed(3));

// One held generation: what the gate measured, what got worse, and the two ways out.
export async function heldPanel(api, sourceId, generation, refresh) {
  const id = generation.id;
  const panel = h("section", { class: "card held", id: `held-${id}`, "aria-labelledby": `held-title-${id}` });
  let report = null;
  try {
    report = await api.generations.evaluation(sourceId, id);
  } catch (error) {
    panel.append(h("p", { class: "error" }, `The report could not be read: ${describe(error)}`));
  }
  const gate = report?.gate;
  const metric = gate ? `${gate.metric === "ndcg" ? "nDCG" : "recall"}@${gate.k}` : "the metric";
  const publish = h("button", { type: "button" }, "Publish anyway");
  const discard = h("button", { type: "button", class: "danger" }, "Discard");
  publish.addEventListener("click", () =>
    busy(publish, async () => {
      if (!(await confirmAction("Publish the held generation?", `Search will serve ${id} at once, although ${metric} fell.`, "Publish"))) return;
      await api.generations.publish(sourceId, id);
      say(`Published: ${id} is serving.`);
      await refresh();
    }),
  );
  discard.addEventListener("click", () =>
    busy(discard, async () => {
      if (!(await confirmAction("Discard the held generation?", `${id} will never serve; the generation serving now keeps serving.`, "Discard"))) return;
      await api.generations.discard(sourceId, id);
      say(`Discarded: ${id}.`);
      await refresh();
    }),
  );
  const worse = (report?.regressed ?? []).map((q) => row(h("code", {}, q.queryId), q.query ?? "", score(q.before), score(q.after)));
  panel.prepend(
    h("h2", { id: `held-title-${id}` }, "Held: ", h("code", {}, id), " ", badge("held")),
    h("p", {}, "Its evaluation gate kept it from publishing: the generation serving before it still serves."),
  );
  if (report) {
    panel.append(
      h(
        "dl",
        { class: "counts" },
        h("div", {}, h("dt", {}, `${metric} before`), h("dd", {}, score(report.before))),
        h("div", {}, h("dt", {}, `${metric} after`), h("dd", {}, score(report.after))),
        h("div", {}, h("dt", {}, "Largest drop allowed"), h("dd", {}, String(gate.maxDrop))),
        h("div", {}, h("dt", {}, "Queries (improved)"), h("dd", {}, `${report.queryCount} (${report.improvedCount ?? 0})`)),
      ),
      table(`Queries that got worse (${worse.length}), worst first`, ["Query id", "Query", "Before", "After"], worse),
    );
  }
  panel.append(h("div", { class: "actions" }, publish, discard));
  return panel;
}

const splitIds = (text) => [...new Set(text.split(/[\n,]/).map((part) => part.trim()).filter(Boolean))];

export async function evaluationView(api, sourceId) {
  const listArea = h("div");
  const queryId = h("input", { type: "text", required: true, maxlength: "128", pattern: "[A-Za-z0-9_.:\\-]+" });
  const text = h("input", { type: "text", required: true, maxlength: "1000" });
  const relevant = h("textarea", { rows: "2", required: true });
  const submit = h("button", { type: "submit" }, "Save query");

  async function refresh() {
    const queries = await upTo(api.evaluation.list(sourceId), 200);
    const rows = queries.map((q) => {
      const edit = h("button", { type: "button", class: "secondary", "aria-label": `Edit ${q.id}` }, "Edit");
      edit.addEventListener("click", () => {
        queryId.value = q.id;
        text.value = q.query;
        relevant.value = q.relevantItemIds.join(", ");
        text.focus();
      });
      const remove = h("button", { type: "button", class: "danger", "aria-label": `Delete ${q.id}` }, "Delete");
      remove.addEventListener("click", () =>
        busy(remove, async () => {
          if (!(await confirmAction("Delete the query?", `${q.id} will no longer be measured by gated applies.`, "Delete"))) return;
          await api.evaluation.delete(sourceId, q.id);
          say(`Query ${q.id} deleted.`);
          await refresh();
        }),
      );
      return row(h("code", {}, q.id), q.query, q.relevantItemIds.join(", "), h("div", { class: "actions" }, edit, remove));
    });
    listArea.replaceChildren(table(`Evaluation queries (${queries.length} of at most 200)`, ["Id", "Query", "Relevant items", "Action"], rows));
  }

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "edit-query" },
    h("h2", { id: "edit-query" }, "Add or replace a query"),
    h(
      "div",
      { class: "grid" },
      field("Query id", queryId, "Letters, digits, _ . : - ; an existing id is replaced"),
      field("Query", text, "What a user would search for"),
      field("Relevant items", relevant, "The externalItemIds that should come back, separated by commas"),
    ),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const ids = splitIds(relevant.value);
    if (!queryId.value.trim() || !text.value.trim() || !ids.length) return say("A query needs an id, its text and at least one relevant item.", "error");
    busy(submit, async () => {
      const saved = await api.evaluation.put(sourceId, queryId.value.trim(), { query: text.value.trim(), relevantItemIds: ids });
      say(`Query ${saved.id} saved.`);
      form.reset();
      await refresh();
    });
  });
  await refresh();
  return sourceFrame(
    api,
    sourceId,
    "evaluation",
    h("p", {}, "A gated apply or training job measures these queries against the generation serving and the candidate; a candidate that makes them worse by more than the gate allows is held for you to publish or discard (see Generations)."),
    listArea,
    form,
  );
}
