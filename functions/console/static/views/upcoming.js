// Analytics: its screen is not built yet. Their screens say so; no data is
// made up. When the endpoints exist, these views call them through api.js like the others.
import { h } from "../dom.js";

const TEXT = {
  analytics: ["Analytics", "The API does not record usage analytics yet. Charts of searches, answers and unanswered questions will appear here once it does."],
};

export async function upcomingView(_api, which) {
  const [title, text] = TEXT[which];
  return h("div", {}, h("h1", { tabindex: "-1" }, title), h("p", { class: "card empty" }, text));
}
