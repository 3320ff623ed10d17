// Training jobs: not in the console yet. Their screens say so; no data is
// made up. When the endpoints exist, these views call them through api.js like the others.
import { h } from "../dom.js";

const TEXT = {
  training: ["Training jobs", "The API has no training endpoints yet. Jobs, their status and their results will be listed here once it does."],
};

export async function upcomingView(_api, which) {
  const [title, text] = TEXT[which];
  return h("div", {}, h("h1", { tabindex: "-1" }, title), h("p", { class: "card empty" }, text));
}
