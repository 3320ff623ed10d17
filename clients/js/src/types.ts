/** Request and response types taken from openapi.yaml (src/schema.ts is generated from it by
 * `npm run generate`): a route or field the API drops stops this package compiling. */
import type { components, paths } from "./schema.js";

export type Schemas = components["schemas"];
type Method = "get" | "post" | "put" | "patch" | "delete";
type Op<P extends keyof paths, M extends Method> = paths[P][M];
type JsonOf<T> = T extends { content: { "application/json": infer J } } ? J : never;

/** The JSON of an operation's 2xx answers. */
export type Ok<P extends keyof paths, M extends Method> =
  Op<P, M> extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]> : never;

/** An operation's JSON request body. */
export type Body<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** An operation's query parameters, without the paging ones the paginators set. */
export type Query<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? Omit<NonNullable<Q>, "cursor"> : never;

export type Source = Schemas["Source"];
export type StagedItem = Schemas["StagedItem"];
export type ItemSummary = Schemas["ItemSummary"];
export type UpsertItemRequest = Schemas["UpsertItemRequest"];
export type Run = Schemas["Run"];
export type ApplyResult = Schemas["ApplyResult"];
export type Generation = Schemas["GenerationView"];
export type SearchRequest = Schemas["SearchRequest"];
export type SearchResponse = Schemas["SearchResponse"];
export type QueryRequest = Schemas["QueryRequest"];
export type Answer = Schemas["Answer"];
export type AnswerSource = Schemas["AnswerSource"];
export type Snapshot = Schemas["Snapshot"];
export type BatchResult = Schemas["BatchResult"];
export type ErrorBody = Schemas["ErrorBody"];
export type EvaluationGate = Schemas["EvaluationGate"];
export type EvaluationQuery = Schemas["EvaluationQuery"];
export type EvaluationReport = Schemas["EvaluationReport"];
export type HeldDecision = Schemas["HeldDecision"];
export type TrainingJob = Schemas["TrainingJob"];

/** Streamed answers (`"stream": true`): the events of text/event-stream, in order. */
export interface StreamStart {
  /** The query as searched (a chat's follow-up is rewritten to stand alone). */
  searchedQuery: string;
  queryId?: string;
  chatId?: string;
  /** The id the assistant message will have. */
  messageId?: string;
  [field: string]: unknown;
}
export interface StreamDelta {
  text: string;
}
/** A cited source, tied to the span of answer text it supports: `answer.slice(start, end)` in
 * code points is `text`. */
export interface StreamCitation {
  number: number;
  start: number;
  end: number;
  text: string;
  source: AnswerSource;
  [field: string]: unknown;
}
export interface StreamDone {
  answer: string;
  mode: Answer["mode"];
  found: boolean;
  sources: AnswerSource[];
  citations: StreamCitation[];
  searchedQuery: string;
  usage: { inputTokens: number; outputTokens: number };
  queryId?: string;
  chatId?: string;
  /** Chats: the chat and the recorded assistant message, as the JSON answer has them. */
  chat?: Schemas["Chat"];
  message?: Schemas["ChatMessage"];
  [field: string]: unknown;
}
export type AnswerEvent =
  | { event: "start"; data: StreamStart }
  | { event: "delta"; data: StreamDelta }
  | { event: "citation"; data: StreamCitation }
  | { event: "done"; data: StreamDone };
