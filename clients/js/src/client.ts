import { Files, Keys, Webhooks } from "./admin.js";
import { Analytics } from "./analytics.js";
import { Generations, Items, Runs, Sources } from "./content.js";
import { KbError } from "./errors.js";
import { Transport, type ClientOptions, type RequestOptions } from "./http.js";
import { Paginator } from "./paging.js";
import { parseEventStream } from "./sse.js";
import { Evaluation, Training } from "./training.js";
import type { AnswerEvent, Answer, Body, Ok, QueryRequest, SearchRequest, SearchResponse } from "./types.js";

const seg = encodeURIComponent;
const STREAM_EVENTS = new Set(["start", "delta", "citation", "done"]);

/** The Knowledge Base API. Every call retries 429, 5xx and network failures with backoff
 * (honouring Retry-After), sends an Idempotency-Key with every mutation (the same one on each
 * retry; pass `idempotencyKey` to choose it), and throws `KbError` with the API's code.
 * Search, explain and query are reads sent as POST: they carry no key. */
export class KbClient {
  readonly http: Transport;
  readonly sources: Sources;
  readonly items: Items;
  readonly runs: Runs;
  readonly generations: Generations;
  readonly keys: Keys;
  readonly webhooks: Webhooks;
  readonly files: Files;
  readonly chats: Chats;
  readonly analytics: Analytics;
  readonly training: Training;
  readonly evaluation: Evaluation;

  constructor(options: ClientOptions) {
    this.http = new Transport(options);
    this.sources = new Sources(this.http);
    this.items = new Items(this.http);
    this.runs = new Runs(this.http);
    this.generations = new Generations(this.http);
    this.keys = new Keys(this.http);
    this.webhooks = new Webhooks(this.http);
    this.files = new Files(this.http);
    this.chats = new Chats(this.http);
    this.analytics = new Analytics(this.http);
    this.training = new Training(this.http);
    this.evaluation = new Evaluation(this.http);
  }

  async search(body: SearchRequest, options: RequestOptions = {}): Promise<SearchResponse> {
    return (await this.http.json<SearchResponse>("POST", "/v1/search", { ...options, body, idempotent: false })).data;
  }
  /** Why an item did (or did not) come back for a query. */
  async explain(body: Body<"/v1/search/explain", "post">, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/search/explain", "post">>("POST", "/v1/search/explain", { ...options, body, idempotent: false })).data;
  }
  /** An answer with its cited sources. */
  async query(body: QueryRequest, options: RequestOptions = {}): Promise<Answer> {
    return (await this.http.json<Answer>("POST", "/v1/query", { ...options, body, idempotent: false })).data;
  }
  /** The same answer, streamed: `start`, `delta`s, `citation`s, then `done`. */
  queryStream(body: QueryRequest, options: RequestOptions = {}): AsyncGenerator<AnswerEvent> {
    return streamAnswer(this.http, "/v1/query", body, options);
  }
  async health(options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/health", "get">>("GET", "/health", options)).data;
  }
}

export class Chats {
  constructor(private readonly http: Transport) {}

  /** A new chat with its first question; answers the chat and the assistant's message. */
  async create(body: Body<"/v1/chats", "post">, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/chats", "post">>("POST", "/v1/chats", { ...options, body })).data;
  }
  createStream(body: Body<"/v1/chats", "post">, options: RequestOptions = {}): AsyncGenerator<AnswerEvent> {
    return streamAnswer(this.http, "/v1/chats", body, options);
  }
  async send(chatId: string, message: string, options: RequestOptions = {}) {
    const path = `/v1/chats/${seg(chatId)}/messages`;
    return (await this.http.json<Ok<"/v1/chats/{chatId}/messages", "post">>("POST", path, { ...options, body: { message } })).data;
  }
  sendStream(chatId: string, message: string, options: RequestOptions = {}): AsyncGenerator<AnswerEvent> {
    return streamAnswer(this.http, `/v1/chats/${seg(chatId)}/messages`, { message }, options);
  }
  /** The chat's messages, oldest first. */
  history(chatId: string, query: { limit?: number } = {}, options: RequestOptions = {}) {
    const path = `/v1/chats/${seg(chatId)}/history`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json<Ok<"/v1/chats/{chatId}/history", "get">>("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.messages, nextCursor: data.nextCursor ?? null };
    });
  }
}

/** POSTs `body` with `"stream": true` to the stream URL and yields the answer's events. The
 * request is retried like any other until the stream opens (without an Idempotency-Key: the API
 * refuses one on streamed turns, and records a turn only once it is complete); a stream that
 * breaks is not resumed. An `error` event is thrown as `KbError` with its code; a stream that
 * ends without `done` throws `stream_incomplete`. Events of other names are skipped. */
export async function* streamAnswer(http: Transport, path: string, body: object, options: RequestOptions): AsyncGenerator<AnswerEvent> {
  const response = await http.send("POST", path, {
    ...options, body: { ...body, stream: true }, accept: "text/event-stream", idempotent: false, stream: true,
  });
  if (!(response.headers.get("Content-Type") ?? "").startsWith("text/event-stream") || response.body === null) {
    const text = await response.text();
    throw new KbError("the API did not answer with an event stream", {
      status: response.status, code: "invalid_response", body: text, headers: response.headers,
    });
  }
  for await (const message of parseEventStream(response.body)) {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch (cause) {
      throw new KbError(`an unreadable "${message.event}" event`, { status: response.status, code: "invalid_response", body: message.data, cause });
    }
    if (message.event === "error") {
      const record = (data ?? {}) as { error?: string; code?: string };
      throw new KbError(record.error ?? "the answer failed", { status: response.status, code: record.code ?? "stream_error", body: data });
    }
    if (!STREAM_EVENTS.has(message.event)) continue;
    yield { event: message.event, data } as AnswerEvent;
    if (message.event === "done") return;
  }
  throw new KbError("the stream ended before its done event", { status: response.status, code: "stream_incomplete" });
}
