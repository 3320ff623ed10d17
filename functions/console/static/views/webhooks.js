// Webhooks: subscribe (the signing secret is shown once), send a test event, read the delivery log
// and redeliver.
import { badge, busy, field, h, row, say, secretPanel, table, when } from "../dom.js";

const GROUPS = ["*", "content.*", "generation.*", "run.*", "source.*", "file.*", "import.*", "webhook.*"];

function lastAttempt(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (!last) return "—";
  return last.statusCode ? `HTTP ${last.statusCode}` : last.error || "no answer";
}

export async function webhooksView(api) {
  const listArea = h("div");
  const logArea = h("section", { "aria-live": "polite" });
  const secretArea = h("div");

  async function showLog(webhook) {
    const { deliveries } = await api.webhooks.deliveries(webhook.id);
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
    const { webhooks } = await api.webhooks.list();
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
      return row(h("code", {}, w.url), w.events.join(", "), w.enabled ? badge("enabled") : badge(w.disabledReason || "disabled", "disabled"), when(w.createdAt), h("div", { class: "actions" }, log, test));
    });
    listArea.replaceChildren(table("Webhooks", ["URL", "Events", "State", "Created", "Actions"], rows));
  }

  const url = h("input", { type: "url", required: true, placeholder: "https://example.com/hooks/kb" });
  const events = h("fieldset", { class: "checks" }, h("legend", {}, "Events"), GROUPS.map((g) => {
    const box = h("input", { type: "checkbox", value: g, checked: g === "*" });
    return h("label", {}, box, ` ${g}`);
  }));
  const submit = h("button", { type: "submit" }, "Subscribe");
  const form = h("form", { class: "card", "aria-labelledby": "create-webhook" }, h("h2", { id: "create-webhook" }, "Subscribe a URL"), field("URL", url), events, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = Array.from(events.querySelectorAll("input:checked")).map((box) => box.value);
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
  return h("div", {}, h("h1", { tabindex: "-1" }, "Webhooks"), secretArea, form, listArea, logArea);
}
