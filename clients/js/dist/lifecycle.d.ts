import { type Transport } from "./http.js";
export interface WaitOptions {
    /** Wait for 202 work to finish by polling its Location (default true). */
    wait?: boolean;
    /** Give up waiting after this long: `KbError` code `wait_timeout` (default 10 minutes). */
    timeoutMs?: number;
    /** First poll interval; it grows by half each poll up to 2 s (default 250 ms). */
    pollIntervalMs?: number;
    signal?: AbortSignal;
}
interface Work {
    status?: string;
    error?: string | null;
    errorCode?: string | null;
}
/** GETs `location` until the work in `envelope` has succeeded (or, for a generation, is held or
 * discarded) or failed; a failure is thrown as a KbError carrying the work's `errorCode`. */
export declare function pollUntilDone<T extends Work>(http: Transport, location: string, envelope: string, fallbackCode: string, options: WaitOptions): Promise<T>;
export {};
