// Webhooks: subscribe (the signing secret is shown once), edit (URL, events, sources), send a test
// event, read the delivery log and redeliver.
import { firstPage, upTo } from "../client.js";
import { badge, busy, field, h, row, say, secretPanel, table, when } from "../dom.js";

const GROUPS = ["*", "content.*", "generation.*", "run.*", "source.*", "file.*", "import.*", "webhook.*"];

function lastAttempt(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (!last) return "—";
  return last.statusCode ? `HTTP ${last.statusCode}` : last.error || "no answer";
}

// The events as checkboxes: the groups, plus any single event the webhook names.
function eventBoxes(chosen) {
  const names = [...GROUPS, ...chosen.filter((e) => !GROUPS.includes(e))];
  return h("fieldset", { class: "checks" }, h("legend", {}, "Events"), names.map((g) =>
    h("label", {}, h("input", { type: "checkbox", value: g, checked: chosen.includes(g) }), ` ${g}`)));
}

const checked = (fieldset) => Array.from(fieldset.querySelectorAll("input:checked")).map((box) => box.value);

// Edit a subscription: its URL, events and the sources it is scoped to (PATCH sends what changed).
function editForm(api, webhook, sources, onSaved, onCancel) {
  const url = h("input", { type: "url", required: true, value: webhook.url });
  const events = eventBoxes(webhook.events);
  const scope = webhook.sourceIds ?? [];
  const known = new Set(sources.map((s) => s.id));
  const options = [...sources.map((s) => [s.id, `${s.name} (${s.id})`]), ...scope.filter((id) => !known.has(id)).map((id) => [id, id])];
  const pick = h("select", { multiple: true, size: String(Math.min(5, Math.max(2, options.length))) },
    options.map(([id, label]) => h("option", { value: id, selected: scope.includes(id) }, label)));
  const save = h("button", { type: "submit" }, "Save changes");
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  cancel.addEventListener("click", onCancel);
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "edit-webhook" },
    h("h2", { id: "edit-webhook", tabindex: "-1" }, `Edit the webhook to ${webhook.url}`),
    field("URL", url),
    events,
    field("Sources", pick, "Only events about these sources are delivered; none selected: every source"),
    h("div", { class: "actions" }, save, cancel),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = checked(events);
    if (!url.value.trim() || !picked.length) return say("A webhook needs a URL and at least one event.", "error");
    const change = {};
    if (url.value.trim() !== webhook.url) change.url = url.value.trim();
    if (picked.join() !== webhook.events.join()) change.events = picked;
    const ids = Array.from(pick.selectedOptions).map((o) => o.value);
    if (ids.join() !== scope.join()) change.sourceIds = ids;
    if (!Object.keys(change).length) return say("Nothing to save: no field was changed.");
    busy(save, async () => {
      const saved = await api.webhooks.update(webhook.id, change);
      say(`Webhook saved (${Object.keys(change).join(", ")}).`);
      await onSaved(saved);
    });
  });
  return form;
}

export async function webhooksView(api) {
  const sources = await upTo(api.sources.list({ limit: 100 }), 1000); // to scope a webhook by name
  const editArea = h("div");
  const listArea = h("div");
  const logArea = h("section", { "aria-live": "polite" });
  const secretArea = h("div");

  async function showLog(webhook) {
    const { items: deliveries } = await firstPage(api.webhooks.deliveries(webhook.id));
    const rows = deliveries.map((d) => {
      const again = h("button", { type: "button", class: "secondary", "aria-label": `Redeliver ${d.event.type} ${d.id}` }, "Redeliver");
      again.addEventListener("click", () =>
        busy(again, async () => {
          await api.webhooks.redeliver(webhook.id, d.id);
          say(`Delivery ${d.id} was queued again.`);
          await showLog(webhook);
        }),
      );
      return row(d.event.type, h("code", {}, d.id), badge(d.status), String(d.attempts.length), lastAttempt(d), when(d.updatedAt), again);
    });
    const reload = h("button", { type: "button", class: "secondary" }, "Refresh the log");
    reload.addEventListener("click", () => busy(reload, () => showLog(webhook)));
    logArea.replaceChildren(
      h("h2", { id: "log", tabindex: "-1" }, `Deliveries to ${webhook.url}`),
      h("div", { class: "actions" }, reload),
      table("Delivery log, newest first", ["Event", "Delivery", "Status", "Attempts", "Last answer", "Updated", "Action"], rows),
    );
  }

  async function refresh() {
    const { items: webhooks } = await firstPage(api.webhooks.list());
    const rows = webhooks.map((w) => {
      const log = h("button", { type: "button", class: "secondary", "aria-label": `Delivery log of ${w.url}` }, "Delivery log");
      log.addEventListener("click", () => busy(log, async () => { await showLog(w); logArea.querySelector("h2").focus(); }));
      const test = h("button", { type: "button", class: "secondary", "aria-label": `Send a test event to ${w.url}` }, "Send test");
      test.addEventListener("click", () =>
        busy(test, async () => {
          await api.webhooks.test(w.id);
          say("A webhook.test event was sent; refresh the log to see its delivery.");
          await showLog(w);
        }),
      );
      const edit = h("button", { type: "button", class: "secondary", "aria-label": `Edit the webhook to ${w.url}` }, "Edit");
      edit.addEventListener("click", () => {
        const form = editForm(api, w, sources, async () => { editArea.replaceChildren(); await refresh(); }, () => { editArea.replaceChildren(); edit.focus(); });
        editArea.replaceChildren(form);
        form.querySelector("h2").focus();
      });
      const scope = w.sourceIds?.length ? `only ${w.sourceIds.join(", ")}` : "every source";
      return row(h("code", {}, w.url), w.events.join(", "), scope, w.enabled ? badge("enabled") : badge(w.disabledReason || "disabled", "disabled"), when(w.createdAt), h("div", { class: "actions" }, edit, log, test));
    });
    listArea.replaceChildren(table("Webhooks", ["URL", "Events", "Sources", "State", "Created", "Actions"], rows));
  }

  const url = h("input", { type: "url", required: true, placeholder: "https://example.com/hooks/kb" });
  const events = eventBoxes(["*"]);
  const submit = h("button", { type: "submit" }, "Subscribe");
  const form = h("form", { class: "card", "aria-labelledby": "create-webhook" }, h("h2", { id: "create-webhook" }, "Subscribe a URL"), field("URL", url), events, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = checked(events);
    if (!url.value.trim() || !picked.length) return say("A webhook needs a URL and at least one event.", "error");
    busy(submit, async () => {
      const { webhook, secret } = await api.webhooks.create({ url: url.value.trim(), events: picked });
      form.reset();
      const panel = secretPanel(`Signing secret for ${webhook.url}`, secret);
      secretArea.replaceChildren(panel);
      panel.focus();
      await refresh();
    });
  });

  await refresh();
  return h("div", {}, h("h1", { tabindex: "-1" }, "Webhooks"), secretArea, form, editArea, listArea, logArea);
}
