import { KbError } from "./errors.js";
import { sleep } from "./http.js";
// A gated apply's generation stops at `held` until a person publishes or discards it: waiting
// on it longer would never end, so both are answered like `succeeded`, never thrown.
const SETTLED = new Set(["succeeded", "held", "discarded"]);
/** GETs `location` until the work in `envelope` has succeeded (or, for a generation, is held or
 * discarded) or failed; a failure is thrown as a KbError carrying the work's `errorCode`. */
export async function pollUntilDone(http, location, envelope, fallbackCode, options) {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let interval = options.pollIntervalMs ?? 250;
    for (;;) {
        const answer = await http.json("GET", location, { signal: options.signal });
        const work = answer.data[envelope];
        if (work === undefined) {
            throw new KbError(`no "${envelope}" in the answer to ${location}`, {
                status: answer.status, code: "invalid_response", body: answer.data,
            });
        }
        if (work.status !== undefined && SETTLED.has(work.status))
            return work;
        if (work.status === "failed") {
            throw new KbError(work.error ?? `${envelope} failed`, {
                status: answer.status, code: work.errorCode ?? fallbackCode, body: work,
            });
        }
        if (Date.now() + interval > deadline) {
            throw new KbError(`${location} is still ${work.status}`, { status: answer.status, code: "wait_timeout", body: work });
        }
        await sleep(interval, options.signal);
        interval = Math.min(2000, interval * 1.5);
    }
}
