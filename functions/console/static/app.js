// The console's shell: sign-in, the hash router and focus management. Screens live in views/.
import { connect, firstPage } from "./client.js";
import { describe, field, h, say } from "./dom.js";
import { session } from "./session.js";
import { keysView } from "./views/keys.js";
import { generationsView, itemsView, runView, runsView, settingsView, sourcesView } from "./views/sources.js";
import { playgroundView } from "./views/playground.js";
import { webhooksView } from "./views/webhooks.js";
import { analyticsView } from "./views/analytics.js";
import { evaluationView } from "./views/evaluation.js";
import { trainingView } from "./views/training.js";

const base = document.querySelector('meta[name="kb-api-base"]').content;
// Where answers stream as they are written (the stream function's URL, filled in by the console
// function); empty: they come through the API, in one piece once complete.
const streamUrl = document.querySelector('meta[name="kb-stream-url"]')?.content || undefined;
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const signOutButton = document.getElementById("sign-out");

const routes = [
  [/^\/sources$/, sourcesView],
  [/^\/sources\/([^/]+)\/items$/, itemsView],
  [/^\/sources\/([^/]+)\/runs$/, runsView],
  [/^\/sources\/([^/]+)\/runs\/([^/]+)$/, runView],
  [/^\/sources\/([^/]+)\/generations$/, generationsView],
  [/^\/sources\/([^/]+)\/settings$/, settingsView],
  [/^\/sources\/([^/]+)\/evaluation$/, evaluationView],
  [/^\/search$/, playgroundView],
  [/^\/keys$/, keysView],
  [/^\/webhooks$/, webhooksView],
  [/^\/training$/, trainingView],
  [/^\/analytics$/, analyticsView],
];

function signInView() {
  const input = h("input", { type: "password", autocomplete: "off", spellcheck: "false", required: true });
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h1", { tabindex: "-1" }, "Sign in"),
    h("p", {}, "Sign in with an API key. It is kept in this browser tab only, and sent only to this API."),
    field("API key", input, "sk_live_… (an admin key shows every screen)"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return say("Enter an API key.", "error");
    try {
      await firstPage(connect(base, key, streamUrl).sources.list({ limit: 1 })); // any read proves the key
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      return say(`Sign-in failed: ${describe(error)}`, "error");
    }
    session.signIn(key);
    say("Signed in.");
    if (!location.hash || location.hash === "#/") location.hash = "#/sources";
    else render();
  });
  return form;
}

let rendering = 0;

async function render() {
  // Only the newest navigation may fill the page: a slower, older screen must not replace it.
  const ticket = ++rendering;
  const key = session.key();
  nav.hidden = signOutButton.hidden = !key;
  main.replaceChildren();
  if (!key) {
    main.append(signInView());
    main.querySelector("h1").focus();
    return;
  }
  const path = decodeURI(location.hash.slice(1)) || "/sources";
  for (const link of nav.querySelectorAll("a")) {
    const current = path === link.hash.slice(1) || path.startsWith(`${link.hash.slice(1)}/`);
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const found = routes.find(([pattern]) => pattern.test(path));
  const api = connect(base, key, streamUrl);
  try {
    const view = found ? await found[1](api, ...path.match(found[0]).slice(1)) : h("h1", { tabindex: "-1" }, "Not found");
    if (ticket !== rendering) return;
    main.replaceChildren(view);
  } catch (error) {
    if (ticket !== rendering) return;
    if (error?.status === 401) {
      session.signOut();
      say(`Signed out: ${describe(error)}`, "error");
      return render();
    }
    main.replaceChildren(h("h1", { tabindex: "-1" }, "Something went wrong"), h("p", { class: "error" }, describe(error)));
  }
  // A new screen: move focus to its heading so screen readers and keyboards start there.
  main.querySelector("h1")?.focus();
  document.title = `${main.querySelector("h1")?.textContent ?? "Console"} · Knowledge Base console`;
}

signOutButton.addEventListener("click", () => {
  session.signOut();
  say("Signed out.");
  location.hash = "";
  render();
});
window.addEventListener("hashchange", () => {
  say(""); // a message belongs to the screen it was said on
  render();
});
render();
