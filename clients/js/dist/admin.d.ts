/** Keys and webhooks (admin scope), and files (write scope). */
import type { RequestOptions, Transport } from "./http.js";
import { Paginator } from "./paging.js";
import type { Body, Query } from "./types.js";
export declare class Keys {
    private readonly http;
    constructor(http: Transport);
    /** Answers the key and its secret (shown once; `null` on an idempotent replay). */
    create(body: Body<"/v1/admin/keys", "post">, options?: RequestOptions): Promise<{
        key: import("./schema.js").components["schemas"]["ApiKey"];
        secret: string | null;
    }>;
    get(keyId: string, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        scope: "read" | "write" | "admin";
        status?: "active" | "revoked";
        createdAt: string;
        expiresAt?: string | null;
        rateLimitPerMinute?: number | null;
        rateLimits?: import("./schema.js").components["schemas"]["RateLimits"] | null;
        allowedIps?: string[] | null;
        rotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        revokedAt?: string | null;
    }>;
    revoke(keyId: string, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        name: string;
        scope: "read" | "write" | "admin";
        status?: "active" | "revoked";
        createdAt: string;
        expiresAt?: string | null;
        rateLimitPerMinute?: number | null;
        rateLimits?: import("./schema.js").components["schemas"]["RateLimits"] | null;
        allowedIps?: string[] | null;
        rotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        revokedAt?: string | null;
    }>;
    /** A new secret; the old one keeps working for `overlapSeconds` (default one day). */
    rotate(keyId: string, body?: Body<"/v1/admin/keys/{keyId}/rotate", "post">, options?: RequestOptions): Promise<{
        key: import("./schema.js").components["schemas"]["ApiKey"];
        secret: string | null;
    }>;
    list(query?: Query<"/v1/admin/keys", "get">, options?: RequestOptions): Paginator<{
        id: string;
        tenantId: string;
        name: string;
        scope: "read" | "write" | "admin";
        status?: "active" | "revoked";
        createdAt: string;
        expiresAt?: string | null;
        rateLimitPerMinute?: number | null;
        rateLimits?: import("./schema.js").components["schemas"]["RateLimits"] | null;
        allowedIps?: string[] | null;
        rotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        revokedAt?: string | null;
    }>;
}
export declare class Webhooks {
    private readonly http;
    constructor(http: Transport);
    /** Answers the webhook and its signing secret (`whsec_...`, shown once). */
    create(body: Body<"/v1/webhooks", "post">, options?: RequestOptions): Promise<{
        webhook: import("./schema.js").components["schemas"]["Webhook"];
        secret: string | null;
    }>;
    get(webhookId: string, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        url: string;
        events: string[];
        description?: string;
        enabled?: boolean;
        disabledReason?: string | null;
        createdAt: string;
        updatedAt: string;
        secretRotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        retrySchedule?: number[] | null;
        sourceIds?: string[] | null;
    }>;
    update(webhookId: string, body: Body<"/v1/webhooks/{webhookId}", "patch">, options?: RequestOptions): Promise<{
        id: string;
        tenantId: string;
        url: string;
        events: string[];
        description?: string;
        enabled?: boolean;
        disabledReason?: string | null;
        createdAt: string;
        updatedAt: string;
        secretRotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        retrySchedule?: number[] | null;
        sourceIds?: string[] | null;
    }>;
    delete(webhookId: string, options?: RequestOptions): Promise<{
        webhook: import("./schema.js").components["schemas"]["Webhook"];
    }>;
    rotateSecret(webhookId: string, options?: RequestOptions): Promise<{
        webhook: import("./schema.js").components["schemas"]["Webhook"];
        secret: string | null;
    }>;
    /** Sends a `webhook.test` event to this subscription. */
    test(webhookId: string, options?: RequestOptions): Promise<{
        id: string;
        type: string;
        timestamp: string;
        data: {
            [key: string]: unknown;
        };
    }>;
    deliveries(webhookId: string, query?: Query<"/v1/webhooks/{webhookId}/deliveries", "get">, options?: RequestOptions): Paginator<{
        id: string;
        webhookId: string;
        tenantId: string;
        event: import("./schema.js").components["schemas"]["Event"];
        status?: "pending" | "succeeded" | "failed";
        attempts?: import("./schema.js").components["schemas"]["Attempt"][];
        nextAttemptAt?: string | null;
        createdAt: string;
        updatedAt: string;
    }>;
    redeliver(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<{
        delivery: import("./schema.js").components["schemas"]["Delivery"];
    }>;
    list(query?: Query<"/v1/webhooks", "get">, options?: RequestOptions): Paginator<{
        id: string;
        tenantId: string;
        url: string;
        events: string[];
        description?: string;
        enabled?: boolean;
        disabledReason?: string | null;
        createdAt: string;
        updatedAt: string;
        secretRotatedAt?: string | null;
        previousSecretExpiresAt?: string | null;
        retrySchedule?: number[] | null;
        sourceIds?: string[] | null;
    }>;
}
export interface UploadFields {
    externalItemId?: string;
    title?: string;
    tags?: string[];
    metadata?: Record<string, string | number | boolean>;
}
export declare class Files {
    private readonly http;
    constructor(http: Transport);
    /** Uploads a file of up to 4 MiB as multipart (202: processed in the background; poll `get`). */
    upload(sourceId: string, file: Blob, filename: string, fields?: UploadFields, options?: RequestOptions): Promise<{
        id: string;
        sourceId: string;
        externalItemId: string;
        filename: string;
        contentType?: string | null;
        size: number;
        title?: string | null;
        tags?: string[];
        metadata?: {
            [key: string]: string | number | boolean | (string | number | boolean)[];
        };
        upload: "multipart" | "presigned";
        status: "awaiting_upload" | "uploaded" | "processing" | "completed" | "failed";
        result?: import("./schema.js").components["schemas"]["FileResult"] | null;
        error?: import("./schema.js").components["schemas"]["FileError"] | null;
        createdAt: string;
        updatedAt: string;
        completedAt?: string | null;
    }>;
    get(sourceId: string, fileId: string, options?: RequestOptions): Promise<{
        id: string;
        sourceId: string;
        externalItemId: string;
        filename: string;
        contentType?: string | null;
        size: number;
        title?: string | null;
        tags?: string[];
        metadata?: {
            [key: string]: string | number | boolean | (string | number | boolean)[];
        };
        upload: "multipart" | "presigned";
        status: "awaiting_upload" | "uploaded" | "processing" | "completed" | "failed";
        result?: import("./schema.js").components["schemas"]["FileResult"] | null;
        error?: import("./schema.js").components["schemas"]["FileError"] | null;
        createdAt: string;
        updatedAt: string;
        completedAt?: string | null;
    }>;
    list(sourceId: string, query?: Query<"/v1/sources/{sourceId}/files", "get">, options?: RequestOptions): Paginator<{
        id: string;
        sourceId: string;
        externalItemId: string;
        filename: string;
        contentType?: string | null;
        size: number;
        title?: string | null;
        tags?: string[];
        metadata?: {
            [key: string]: string | number | boolean | (string | number | boolean)[];
        };
        upload: "multipart" | "presigned";
        status: "awaiting_upload" | "uploaded" | "processing" | "completed" | "failed";
        result?: import("./schema.js").components["schemas"]["FileResult"] | null;
        error?: import("./schema.js").components["schemas"]["FileError"] | null;
        createdAt: string;
        updatedAt: string;
        completedAt?: string | null;
    }>;
}
