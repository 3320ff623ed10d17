import type { components } from "./schema.js";
export type WebhookEvent = components["schemas"]["Event"];
type HeaderSource = Headers | Record<string, string | string[] | undefined>;
/** The `webhook-signature` value the API sends for this message (Standard Webhooks `v1`). */
export declare function signWebhook(secret: string, id: string, timestamp: number, payload: string): Promise<string>;
export interface VerifyOptions {
    /** How far `webhook-timestamp` may be from now, either way (default 300 s: stops replays). */
    toleranceSeconds?: number;
    /** Now, in seconds since the epoch (default: the clock). */
    now?: number;
}
/** Checks a delivery as Standard Webhooks define it and answers its event. `payload` is the raw
 * request body, exactly as received (not re-serialised JSON). `secret` is `whsec_...`; pass both
 * secrets during a rotation. The MAC is compared by WebCrypto's `verify` (constant time). */
export declare function verifyWebhook(secret: string | readonly string[], payload: string, headers: HeaderSource, options?: VerifyOptions): Promise<WebhookEvent>;
export {};
