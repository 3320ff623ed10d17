import { Paginator } from "./paging.js";
const seg = encodeURIComponent;
export class Keys {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Answers the key and its secret (shown once; `null` on an idempotent replay). */
    async create(body, options = {}) {
        return (await this.http.json("POST", "/v1/admin/keys", { ...options, body })).data;
    }
    async get(keyId, options = {}) {
        return (await this.http.json("GET", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
    }
    async revoke(keyId, options = {}) {
        return (await this.http.json("DELETE", `/v1/admin/keys/${seg(keyId)}`, options)).data.key;
    }
    /** A new secret; the old one keeps working for `overlapSeconds` (default one day). */
    async rotate(keyId, body = {}, options = {}) {
        const path = `/v1/admin/keys/${seg(keyId)}/rotate`;
        return (await this.http.json("POST", path, { ...options, body })).data;
    }
    list(query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", "/v1/admin/keys", { ...options, query: { ...query, cursor } });
            return { items: data.keys, nextCursor: data.nextCursor ?? null };
        });
    }
}
export class Webhooks {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Answers the webhook and its signing secret (`whsec_...`, shown once). */
    async create(body, options = {}) {
        return (await this.http.json("POST", "/v1/webhooks", { ...options, body })).data;
    }
    async get(webhookId, options = {}) {
        return (await this.http.json("GET", `/v1/webhooks/${seg(webhookId)}`, options)).data.webhook;
    }
    async update(webhookId, body, options = {}) {
        const path = `/v1/webhooks/${seg(webhookId)}`;
        return (await this.http.json("PATCH", path, { ...options, body })).data.webhook;
    }
    async delete(webhookId, options = {}) {
        return (await this.http.json("DELETE", `/v1/webhooks/${seg(webhookId)}`, options)).data;
    }
    async rotateSecret(webhookId, options = {}) {
        const path = `/v1/webhooks/${seg(webhookId)}/rotate-secret`;
        return (await this.http.json("POST", path, options)).data;
    }
    /** Sends a `webhook.test` event to this subscription. */
    async test(webhookId, options = {}) {
        const path = `/v1/webhooks/${seg(webhookId)}/test`;
        return (await this.http.json("POST", path, options)).data;
    }
    deliveries(webhookId, query = {}, options = {}) {
        const path = `/v1/webhooks/${seg(webhookId)}/deliveries`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.deliveries, nextCursor: data.nextCursor ?? null };
        });
    }
    async redeliver(webhookId, deliveryId, options = {}) {
        const path = `/v1/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}/redeliver`;
        return (await this.http.json("POST", path, options)).data;
    }
    list(query = {}, options = {}) {
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", "/v1/webhooks", { ...options, query: { ...query, cursor } });
            return { items: data.webhooks, nextCursor: data.nextCursor ?? null };
        });
    }
}
export class Files {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Uploads a file of up to 4 MiB as multipart (202: processed in the background; poll `get`). */
    async upload(sourceId, file, filename, fields = {}, options = {}) {
        const form = new FormData();
        form.append("file", file, filename);
        if (fields.externalItemId !== undefined)
            form.append("externalItemId", fields.externalItemId);
        if (fields.title !== undefined)
            form.append("title", fields.title);
        if (fields.tags !== undefined)
            form.append("tags", JSON.stringify(fields.tags));
        if (fields.metadata !== undefined)
            form.append("metadata", JSON.stringify(fields.metadata));
        const path = `/v1/sources/${seg(sourceId)}/files`;
        return (await this.http.json("POST", path, { ...options, form })).data.file;
    }
    async get(sourceId, fileId, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/files/${seg(fileId)}`;
        return (await this.http.json("GET", path, options)).data.file;
    }
    list(sourceId, query = {}, options = {}) {
        const path = `/v1/sources/${seg(sourceId)}/files`;
        return new Paginator(async (cursor) => {
            const { data } = await this.http.json("GET", path, { ...options, query: { ...query, cursor } });
            return { items: data.files, nextCursor: data.nextCursor ?? null };
        });
    }
}
