// Webhook verification, checked against the Standard Webhooks reference vector (the API's own
// signer produces it too: kb.webhooks.delivery.sign).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "../dist/index.js";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const timestamp = 1614265330;
const payload = '{"test": 2432232314}';
const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const headers = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };

describe("webhook signatures", () => {
  it("signs as the reference does", async () => {
    assert.equal(await signWebhook(secret, id, timestamp, payload), signature);
  });

  it("verifies a delivery and answers its parsed body", async () => {
    assert.deepEqual(await verifyWebhook(secret, payload, headers, { now: timestamp + 10 }), { test: 2432232314 });
  });

  it("accepts either secret during a rotation, and either of two signatures", async () => {
    const other = "whsec_" + Buffer.from("another secret of thirty-two bytes").toString("base64");
    const fetchHeaders = new Headers({ ...headers, "webhook-signature": `v1,AAAA ${signature}` });
    assert.deepEqual(await verifyWebhook([other, secret], payload, fetchHeaders, { now: timestamp }), { test: 2432232314 });
  });

  for (const [what, change] of [
    ["a changed body", { payload: '{"test": 2432232315}' }],
    ["another secret", { secret: "whsec_" + Buffer.from("x".repeat(32)).toString("base64") }],
    ["a changed id", { headers: { ...headers, "webhook-id": "msg_other" } }],
    ["a timestamp six minutes old", { now: timestamp + 360 }],
    ["a timestamp six minutes ahead", { now: timestamp - 360 }],
    ["no signature header", { headers: { "webhook-id": id, "webhook-timestamp": String(timestamp) } }],
    ["an unknown signature version", { headers: { ...headers, "webhook-signature": signature.replace("v1,", "v2,") } }],
  ]) {
    it(`refuses ${what}`, async () => {
      const attempt = verifyWebhook(change.secret ?? secret, change.payload ?? payload, change.headers ?? headers, {
        now: change.now ?? timestamp,
      });
      await assert.rejects(attempt, WebhookVerificationError);
    });
  }
});
