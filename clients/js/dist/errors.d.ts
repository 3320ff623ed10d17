/** Every failure the client reports: an API error answer, a transport failure, a failed or
 * timed-out lifecycle wait, or a stream's `error` event. `code` is the API's error code
 * (`not_found`, `rate_limited`, `stale_plan`, ...) or one of the client's own:
 * `network_error`, `timeout`, `wait_timeout`, `stream_incomplete`, `invalid_response`. */
export declare class KbError extends Error {
    readonly name: string;
    /** The HTTP status of the answer that carried the error; 0 when none arrived. */
    readonly status: number;
    readonly code: string;
    /** Set on `internal_error` answers: quote it to the operator. */
    readonly requestId: string | undefined;
    /** The parsed error body, when there was one. */
    readonly body: unknown;
    readonly headers: Headers | undefined;
    constructor(message: string, init: {
        status: number;
        code: string;
        requestId?: string;
        body?: unknown;
        headers?: Headers;
        cause?: unknown;
    });
    /** Builds the error from an API answer that is not 2xx: `{"error", "code"}` when the API wrote it. */
    static fromResponse(response: Response): Promise<KbError>;
}
/** A webhook whose signature or timestamp does not verify. */
export declare class WebhookVerificationError extends Error {
    readonly name: string;
}
