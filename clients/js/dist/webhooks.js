import { WebhookVerificationError } from "./errors.js";
const encoder = new TextEncoder();
function header(headers, name) {
    if (typeof headers.get === "function")
        return headers.get(name) ?? undefined;
    for (const [key, value] of Object.entries(headers)) {
        if (key.toLowerCase() === name)
            return Array.isArray(value) ? value[0] : value;
    }
    return undefined;
}
function base64ToBytes(text) {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
function bytesToBase64(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}
async function hmacKey(secret) {
    const raw = base64ToBytes(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
    return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
/** The `webhook-signature` value the API sends for this message (Standard Webhooks `v1`). */
export async function signWebhook(secret, id, timestamp, payload) {
    const key = await hmacKey(secret);
    const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${payload}`));
    return `v1,${bytesToBase64(mac)}`;
}
/** Checks a delivery as Standard Webhooks define it and answers its event. `payload` is the raw
 * request body, exactly as received (not re-serialised JSON). `secret` is `whsec_...`; pass both
 * secrets during a rotation. The MAC is compared by WebCrypto's `verify` (constant time). */
export async function verifyWebhook(secret, payload, headers, options = {}) {
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (!id || !timestamp || !signatures)
        throw new WebhookVerificationError("missing webhook headers");
    const seconds = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds))
        throw new WebhookVerificationError("invalid timestamp");
    const now = options.now ?? Math.floor(Date.now() / 1000);
    const tolerance = options.toleranceSeconds ?? 300;
    if (seconds < now - tolerance)
        throw new WebhookVerificationError("message timestamp too old");
    if (seconds > now + tolerance)
        throw new WebhookVerificationError("message timestamp too new");
    const signed = encoder.encode(`${id}.${timestamp}.${payload}`);
    const offered = signatures
        .split(" ")
        .map((s) => s.split(","))
        .filter((parts) => parts.length === 2 && parts[0] === "v1")
        .map((parts) => parts[1]);
    for (const s of typeof secret === "string" ? [secret] : secret) {
        const key = await hmacKey(s);
        for (const candidate of offered) {
            let mac;
            try {
                mac = base64ToBytes(candidate);
            }
            catch {
                continue;
            }
            if (await crypto.subtle.verify("HMAC", key, mac, signed))
                return JSON.parse(payload);
        }
    }
    throw new WebhookVerificationError("no matching signature");
}
