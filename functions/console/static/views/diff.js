// A run's change, read as a diff: the item as published (the serving generation) against the item
// as staged, field by field and word by word. The published text is rebuilt from the index, which
// joins a long item's sentences with single spaces, so words are compared, not lines.
import { h } from "../dom.js";

// Longer texts are shown side by side rather than aligned (the alignment is quadratic).
const MAX_WORDS = 3000;

function words(text) {
  // Each word with the whitespace after it, so the staged text keeps its line breaks.
  return Array.from((text ?? "").matchAll(/(\S+)(\s*)/g), (m) => ({ word: m[1], space: m[2] || " " }));
}

// The longest common subsequence of two word lists, as runs of ["same" | "added" | "removed", words].
export function wordDiff(before, after) {
  const a = words(before);
  const b = words(after);
  if (a.length * b.length > MAX_WORDS * MAX_WORDS) return null;
  const n = a.length;
  const m = b.length;
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] = a[i].word === b[j].word
        ? lengths[(i + 1) * (m + 1) + j + 1] + 1
        : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
    }
  }
  const runs = [];
  const push = (kind, token) => {
    const last = runs[runs.length - 1];
    if (last && last[0] === kind) last[1].push(token);
    else runs.push([kind, [token]]);
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i].word === b[j].word) {
      push("same", b[j]);
      i++;
      j++;
    } else if (i < n && (j === m || lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1])) {
      push("removed", a[i++]); // what goes reads before what comes
    } else {
      push("added", b[j++]);
    }
  }
  return runs;
}

const joined = (tokens) => tokens.map((t) => t.word + t.space).join("");

// The text, with removed words struck through and added ones underlined; each run also says what
// it is in words, for screen readers and for anyone who cannot tell the colours apart.
function textDiff(before, after) {
  const runs = wordDiff(before, after);
  if (runs === null) {
    return h("div", { class: "grid" },
      h("div", {}, h("h4", {}, "Published"), h("pre", { class: "content" }, before ?? "")),
      h("div", {}, h("h4", {}, "Staged"), h("pre", { class: "content" }, after ?? "")));
  }
  return h("p", { class: "word-diff" }, runs.map(([kind, tokens]) => {
    if (kind === "same") return joined(tokens);
    const tag = kind === "added" ? "ins" : "del";
    return h(tag, {}, h("span", { class: "visually-hidden" }, kind === "added" ? "[added: " : "[removed: "),
      joined(tokens).trimEnd(), h("span", { class: "visually-hidden" }, "]"), " ");
  }));
}

function show(value) {
  if (value === undefined || value === null || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "object") return Object.keys(value).length ? JSON.stringify(value) : "—";
  return String(value);
}

const FIELDS = [["Title", "title"], ["URL", "url"], ["Tags", "tags"], ["Metadata", "metadata"], ["Language", "language"]];

// `published` and `staged` may each be null (a new item; a deleted one).
export function itemDiff(published, staged) {
  const rows = FIELDS.map(([label, name]) => {
    const before = show(published?.[name]);
    const after = show(staged?.[name]);
    const changed = before !== after;
    return h("tr", { class: changed ? "changed" : null },
      h("th", { scope: "row" }, label), h("td", {}, before), h("td", {}, after), h("td", {}, changed ? "changed" : "same"));
  });
  return h("div", { class: "item-diff" },
    h("div", { class: "table-wrap", role: "region", "aria-label": "Fields, published and staged", tabindex: "0" },
      h("table", {}, h("caption", {}, "Fields"),
        h("thead", {}, h("tr", {}, ["Field", "Published", "Staged", ""].map((name) => h("th", { scope: "col" }, name)))),
        h("tbody", {}, rows))),
    h("h4", {}, published && staged ? "Text (removed words struck through, added ones underlined)" : published ? "Published text (to be removed)" : "Staged text (to be added)"),
    textDiff(published?.text ?? "", staged?.content ?? ""),
  );
}
