export { KbClient, Chats, streamAnswer } from "./client.js";
export { Sources, Items, Runs, Generations } from "./content.js";
export { Training, Evaluation } from "./training.js";
export { Keys, Webhooks, Files } from "./admin.js";
export { KbError, WebhookVerificationError } from "./errors.js";
export { Transport, newIdempotencyKey, retryAfterMs } from "./http.js";
export { Paginator } from "./paging.js";
export { parseEventStream } from "./sse.js";
export { verifyWebhook, signWebhook } from "./webhooks.js";
