import { WebhookVerificationError } from "./errors.js";
import type { components } from "./schema.js";

export type WebhookEvent = components["schemas"]["Event"];
type HeaderSource = Headers | Record<string, string | string[] | undefined>;

const encoder = new TextEncoder();

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  const raw = base64ToBytes(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The `webhook-signature` value the API sends for this message (Standard Webhooks `v1`). */
export async function signWebhook(secret: string, id: string, timestamp: number, payload: string): Promise<string> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${payload}`));
  return `v1,${bytesToBase64(mac)}`;
}

export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, either way (default 300 s: stops replays). */
  toleranceSeconds?: number;
  /** Now, in seconds since the epoch (default: the clock). */
  now?: number;
}

/** Checks a delivery as Standard Webhooks define it and answers its event. `payload` is the raw
 * request body, exactly as received (not re-serialised JSON). `secret` is `whsec_...`; pass both
 * secrets during a rotation. The MAC is compared by WebCrypto's `verify` (constant time). */
export async function verifyWebhook(
  secret: string | readonly string[],
  payload: string,
  headers: HeaderSource,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook headers");
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new WebhookVerificationError("invalid timestamp");
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (seconds < now - tolerance) throw new WebhookVerificationError("message timestamp too old");
  if (seconds > now + tolerance) throw new WebhookVerificationError("message timestamp too new");

  const signed = encoder.encode(`${id}.${timestamp}.${payload}`);
  const offered = signatures
    .split(" ")
    .map((s) => s.split(","))
    .filter((parts) => parts.length === 2 && parts[0] === "v1")
    .map((parts) => parts[1]!);
  for (const s of typeof secret === "string" ? [secret] : secret) {
    const key = await hmacKey(s);
    for (const candidate of offered) {
      let mac: Uint8Array<ArrayBuffer>;
      try {
        mac = base64ToBytes(candidate);
      } catch {
        continue;
      }
      if (await crypto.subtle.verify("HMAC", key, mac, signed)) return JSON.parse(payload) as WebhookEvent;
    }
  }
  throw new WebhookVerificationError("no matching signature");
}
