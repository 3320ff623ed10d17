// The console reaches the API only through the JavaScript client (clients/js): kb-client.js beside
// this file is its browser bundle, built by `npm run build` in clients/js and served with the
// console (same origin, no CDN). The key goes only into the Authorization header of requests to
// the API: its own origin, and the stream URL for streamed answers (the API's function URL, another
// origin that allows this one by CORS); requests carry no cookies and no referrer.
import { KbClient, KbError } from "./kb-client.js";

export { KbError };

const noCredentialsFetch = (input, init) =>
  fetch(input, { ...init, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" });

export function connect(base, key, streamUrl) {
  return new KbClient({
    baseUrl: new URL(base, window.location.origin).href,
    streamUrl,
    apiKey: key,
    // A person is waiting: retry a hiccup once or twice, then say what went wrong.
    maxRetries: 2,
    timeoutMs: 120_000,
    fetch: noCredentialsFetch,
  });
}

// The first page of a listing (the client's paginators follow every cursor when iterated).
export async function firstPage(paginator) {
  for await (const page of paginator.pages()) return page;
  return { items: [], nextCursor: null };
}

// Every item of a listing, up to `limit` (a screen shows at most that many).
export async function upTo(paginator, limit) {
  const all = [];
  for await (const item of paginator) {
    all.push(item);
    if (all.length >= limit) break;
  }
  return all;
}
