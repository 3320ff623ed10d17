// Small DOM helpers. Text from the API is only ever set as text (never as HTML), so no item, key
// name or answer can inject markup.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let fieldCount = 0;

// A labelled form field: the label is tied to its input by id.
export function field(label, input, hint) {
  const id = `f${++fieldCount}`;
  input.id = id;
  const hintNode = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) input.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hintNode);
}

// A table in a region that scrolls sideways on a narrow screen (focusable, so keyboards can scroll it).
export function table(caption, headers, rows) {
  return h(
    "div",
    { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: headers.length }, "None yet."))),
    ),
  );
}

export function row(...cells) {
  return h("tr", {}, cells.map((cell) => h("td", {}, cell)));
}

export function when(iso) {
  if (!iso) return "—";
  return h("time", { datetime: iso }, new Date(iso).toLocaleString());
}

export function badge(text, kind = text) {
  return h("span", { class: `badge badge-${kind}` }, text);
}

export function say(message, kind = "info") {
  const status = document.getElementById("status");
  status.className = `status status-${kind}`;
  status.textContent = message;
}

// Run an action from a button: disabled while it runs, errors said in the live region.
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    say(describe(error), "error");
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export function describe(error) {
  if (error?.code === "insufficient_scope") return "This needs a key with a wider scope (admin for keys and webhooks).";
  return error?.code ? `${error.message} (${error.code})` : String(error?.message ?? error);
}

// An accessible confirmation: the native modal dialog traps focus and closes on Escape.
export function confirmAction(title, text, okLabel = "Confirm") {
  const dialog = document.getElementById("confirm");
  dialog.querySelector("#confirm-title").textContent = title;
  dialog.querySelector("#confirm-text").textContent = text;
  const ok = dialog.querySelector("#confirm-ok");
  ok.textContent = okLabel;
  return new Promise((resolve) => {
    const finish = (value) => {
      ok.removeEventListener("click", onOk);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    const onClose = () => finish(false);
    const cancel = dialog.querySelector("#confirm-cancel");
    ok.addEventListener("click", onOk);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    cancel.focus();
  });
}

// A secret shown once: it lives only in this panel, which is removed when dismissed.
export function secretPanel(title, secret, onDismiss) {
  const panel = h(
    "section",
    { class: "secret", "aria-labelledby": "secret-title", tabindex: "-1" },
    h("h2", { id: "secret-title" }, title),
    h("p", {}, "Copy it now: it is shown once and cannot be shown again."),
    h("code", { class: "secret-value", "data-secret": "" }, secret),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => navigator.clipboard?.writeText(secret) }, "Copy"),
      h("button", { type: "button", onclick: () => { panel.remove(); onDismiss?.(); } }, "I have stored it"),
    ),
  );
  return panel;
}
