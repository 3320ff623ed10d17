/** Keys and webhooks (admin scope), and files (write scope). */
import type { RequestOptions, Transport } from "./http.js";
import { Paginator } from "./paging.js";
import type { Body, Ok, Query } from "./types.js";

const seg = encodeURIComponent;

export class Keys {
  constructor(private readonly http: Transport) {}

  /** Answers the key and its secret (shown once; `null` on an idempotent replay). */
  async create(body: Body<"/v1/admin/keys", "post">, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/admin/keys", "post">>("POST", "/v1/admin/keys", { ...options, body })).data;
  }
  async get(keyId: string, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/admin/keys/{keyId}", "get">>("GET", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
  }
  async revoke(keyId: string, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/admin/keys/{keyId}", "delete">>("DELETE", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
  }
  /** A new secret; the old one keeps working for `overlapSeconds` (default one day). */
  async rotate(keyId: string, body: Body<"/v1/admin/keys/{keyId}/rotate", "post"> = {}, options: RequestOptions = {}) {
    const path = `/v1/admin/keys/${seg(keyId)}/rotate`;
    return (await this.http.json<Ok<"/v1/admin/keys/{keyId}/rotate", "post">>("POST", path, { ...options, body })).data;
  }
  list(query: Query<"/v1/admin/keys", "get"> = {}, options: RequestOptions = {}) {
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json<Ok<"/v1/admin/keys", "get">>("GET", "/v1/admin/keys", { ...options, query: { ...query, cursor } });
      return { items: data.keys, nextCursor: data.nextCursor ?? null };
    });
  }
}

export class Webhooks {
  constructor(private readonly http: Transport) {}

  /** Answers the webhook and its signing secret (`whsec_...`, shown once). */
  async create(body: Body<"/v1/webhooks", "post">, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/webhooks", "post">>("POST", "/v1/webhooks", { ...options, body })).data;
  }
  async get(webhookId: string, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}", "get">>("GET", `/v1/webhooks/${seg(webhookId)}`, options)).data.webhook;
  }
  async update(webhookId: string, body: Body<"/v1/webhooks/{webhookId}", "patch">, options: RequestOptions = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}`;
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}", "patch">>("PATCH", path, { ...options, body })).data.webhook;
  }
  async delete(webhookId: string, options: RequestOptions = {}) {
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}", "delete">>("DELETE", `/v1/webhooks/${seg(webhookId)}`, options)).data;
  }
  async rotateSecret(webhookId: string, options: RequestOptions = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/rotate-secret`;
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}/rotate-secret", "post">>("POST", path, options)).data;
  }
  /** Sends a `webhook.test` event to this subscription. */
  async test(webhookId: string, options: RequestOptions = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/test`;
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}/test", "post">>("POST", path, options)).data;
  }
  deliveries(webhookId: string, query: Query<"/v1/webhooks/{webhookId}/deliveries", "get"> = {}, options: RequestOptions = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/deliveries`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json<Ok<"/v1/webhooks/{webhookId}/deliveries", "get">>("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.deliveries, nextCursor: data.nextCursor ?? null };
    });
  }
  async redeliver(webhookId: string, deliveryId: string, options: RequestOptions = {}) {
    const path = `/v1/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}/redeliver`;
    return (await this.http.json<Ok<"/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", "post">>("POST", path, options)).data;
  }
  list(query: Query<"/v1/webhooks", "get"> = {}, options: RequestOptions = {}) {
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json<Ok<"/v1/webhooks", "get">>("GET", "/v1/webhooks", { ...options, query: { ...query, cursor } });
      return { items: data.webhooks, nextCursor: data.nextCursor ?? null };
    });
  }
}

export interface UploadFields {
  externalItemId?: string;
  title?: string;
  tags?: string[];
  metadata?: Record<string, string | number | boolean>;
}

export class Files {
  constructor(private readonly http: Transport) {}

  /** Uploads a file of up to 4 MiB as multipart (202: processed in the background; poll `get`). */
  async upload(sourceId: string, file: Blob, filename: string, fields: UploadFields = {}, options: RequestOptions = {}) {
    const form = new FormData();
    form.append("file", file, filename);
    if (fields.externalItemId !== undefined) form.append("externalItemId", fields.externalItemId);
    if (fields.title !== undefined) form.append("title", fields.title);
    if (fields.tags !== undefined) form.append("tags", JSON.stringify(fields.tags));
    if (fields.metadata !== undefined) form.append("metadata", JSON.stringify(fields.metadata));
    const path = `/v1/sources/${seg(sourceId)}/files`;
    return (await this.http.json<Ok<"/v1/sources/{sourceId}/files", "post">>("POST", path, { ...options, form })).data.file;
  }
  async get(sourceId: string, fileId: string, options: RequestOptions = {}) {
    const path = `/v1/sources/${seg(sourceId)}/files/${seg(fileId)}`;
    return (await this.http.json<Ok<"/v1/sources/{sourceId}/files/{fileId}", "get">>("GET", path, options)).data.file;
  }
  list(sourceId: string, query: Query<"/v1/sources/{sourceId}/files", "get"> = {}, options: RequestOptions = {}) {
    const path = `/v1/sources/${seg(sourceId)}/files`;
    return new Paginator(async (cursor) => {
      const { data } = await this.http.json<Ok<"/v1/sources/{sourceId}/files", "get">>("GET", path, { ...options, query: { ...query, cursor } });
      return { items: data.files, nextCursor: data.nextCursor ?? null };
    });
  }
}
