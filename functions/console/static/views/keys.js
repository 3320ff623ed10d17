// Keys: list, create (the secret is shown once), rotate (a new secret, shown once), revoke.
import { firstPage } from "../client.js";
import { badge, busy, confirmAction, field, h, row, say, secretPanel, table, when } from "../dom.js";

export async function keysView(api) {
  const listArea = h("div");
  const secretArea = h("div");

  function showSecret(title, secret) {
    const panel = secretPanel(title, secret, () => say("The secret was dismissed."));
    secretArea.replaceChildren(panel);
    panel.focus();
  }

  async function refresh() {
    const { items: keys } = await firstPage(api.keys.list());
    const rows = keys.map((key) => {
      const active = key.status === "active";
      const rotate = h("button", { type: "button", class: "secondary", disabled: !active }, "Rotate");
      const revoke = h("button", { type: "button", class: "danger", disabled: !active }, "Revoke");
      rotate.setAttribute("aria-label", `Rotate ${key.name}`);
      revoke.setAttribute("aria-label", `Revoke ${key.name}`);
      rotate.addEventListener("click", () =>
        busy(rotate, async () => {
          const ok = await confirmAction(
            `Rotate ${key.name}?`,
            "A new secret is issued; the old one keeps working for 24 hours.",
            "Rotate",
          );
          if (!ok) return;
          const { secret } = await api.keys.rotate(key.id);
          showSecret(`New secret for ${key.name}`, secret);
          await refresh();
        }),
      );
      revoke.addEventListener("click", () =>
        busy(revoke, async () => {
          const ok = await confirmAction(`Revoke ${key.name}?`, "Every request with this key will be refused, at once.", "Revoke");
          if (!ok) return;
          await api.keys.revoke(key.id);
          say(`${key.name} was revoked.`);
          await refresh();
        }),
      );
      return row(
        key.name,
        h("code", {}, key.id),
        key.scope,
        badge(key.status),
        when(key.createdAt),
        when(key.expiresAt),
        h("div", { class: "actions" }, rotate, revoke),
      );
    });
    listArea.replaceChildren(table("API keys", ["Name", "Id", "Scope", "Status", "Created", "Expires", "Actions"], rows));
  }

  const name = h("input", { type: "text", required: true, maxlength: "100" });
  const scope = h("select", {}, ["read", "write", "admin"].map((s) => h("option", { value: s }, s)));
  scope.value = "write";
  const expires = h("input", { type: "date" });
  const submit = h("button", { type: "submit" }, "Create key");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "create-key" },
    h("h2", { id: "create-key" }, "Create a key"),
    h("div", { class: "grid" }, field("Name", name), field("Scope", scope), field("Expires (optional)", expires)),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("A key needs a name.", "error");
    busy(submit, async () => {
      const body = { name: name.value.trim(), scope: scope.value };
      if (expires.value) body.expiresAt = `${expires.value}T23:59:59Z`;
      const { key, secret } = await api.keys.create(body);
      form.reset();
      scope.value = "write";
      showSecret(`Secret for ${key.name}`, secret);
      await refresh();
    });
  });

  await refresh();
  return h("div", {}, h("h1", { tabindex: "-1" }, "API keys"), secretArea, form, listArea);
}
