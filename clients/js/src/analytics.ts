/** Analytics (admin scope): usage counters, latency percentiles, the query log and its settings;
 * and feedback on answers (read scope, so a chat widget's key can rate). */
import type { RequestOptions, Transport } from "./http.js";
import { Paginator } from "./paging.js";
import type { Body, Ok, Query } from "./types.js";

export class Analytics {
  constructor(private readonly http: Transport) {}

  /** Requests and work counted by hour or day (optionally per key or source), and what is stored now. */
  async usage(query: Query<"/v1/analytics/usage", "get"> = {}, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/analytics/usage", "get">>("GET", "/v1/analytics/usage", { ...options, query })).data;
  }
  /** Latency percentiles and error rates per endpoint; apply and training durations. */
  async performance(query: Query<"/v1/analytics/performance", "get"> = {}, options: RequestOptions = {}) {
    const path = "/v1/analytics/performance";
    return (await this.http.json<Ok<"/v1/analytics/performance", "get">>("GET", path, { ...options, query })).data;
  }
  /** The query log, newest first (JSON pages; `format` exports are for curl). */
  queries(query: Omit<Query<"/v1/analytics/queries", "get">, "format"> = {}, options: RequestOptions = {}) {
    return new Paginator(async (cursor) => {
      const call = { ...options, query: { ...query, cursor } };
      const { data } = await this.http.json<Ok<"/v1/analytics/queries", "get">>("GET", "/v1/analytics/queries", call);
      return { items: data.queries, nextCursor: data.nextCursor ?? null };
    });
  }
  async settings(options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/analytics/settings", "get">>("GET", "/v1/analytics/settings", options)).data.settings;
  }
  async updateSettings(body: Body<"/v1/analytics/settings", "patch">, options: RequestOptions = {}) {
    const path = "/v1/analytics/settings";
    return (await this.http.json<Ok<"/v1/analytics/settings", "patch">>("PATCH", path, { ...options, body })).data.settings;
  }
  /** Rate a query's answer (`queryId`) or a chat's answer (`chatId` and `messageId`). */
  async feedback(body: Body<"/v1/feedback", "post">, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/feedback", "post">>("POST", "/v1/feedback", { ...options, body })).data.feedback;
  }
}
