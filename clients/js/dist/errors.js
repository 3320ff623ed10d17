/** Every failure the client reports: an API error answer, a transport failure, a failed or
 * timed-out lifecycle wait, or a stream's `error` event. `code` is the API's error code
 * (`not_found`, `rate_limited`, `stale_plan`, ...) or one of the client's own:
 * `network_error`, `timeout`, `wait_timeout`, `stream_incomplete`, `invalid_response`. */
export class KbError extends Error {
    name = "KbError";
    /** The HTTP status of the answer that carried the error; 0 when none arrived. */
    status;
    code;
    /** Set on `internal_error` answers: quote it to the operator. */
    requestId;
    /** The parsed error body, when there was one. */
    body;
    headers;
    constructor(message, init) {
        super(message, init.cause === undefined ? undefined : { cause: init.cause });
        this.status = init.status;
        this.code = init.code;
        this.requestId = init.requestId;
        this.body = init.body;
        this.headers = init.headers;
    }
    /** Builds the error from an API answer that is not 2xx: `{"error", "code"}` when the API wrote it. */
    static async fromResponse(response) {
        const text = await response.text().catch(() => "");
        let body = text;
        try {
            body = text ? JSON.parse(text) : undefined;
        }
        catch {
            // Not JSON (a proxy's page): keep the text.
        }
        const record = typeof body === "object" && body !== null ? body : {};
        const code = typeof record.code === "string" ? record.code : `http_${response.status}`;
        const message = typeof record.error === "string" ? record.error : `HTTP ${response.status}`;
        const requestId = typeof record.requestId === "string"
            ? record.requestId
            : typeof record.request_id === "string"
                ? record.request_id
                : undefined;
        return new KbError(message, { status: response.status, code, requestId, body, headers: response.headers });
    }
}
/** A webhook whose signature or timestamp does not verify. */
export class WebhookVerificationError extends Error {
    name = "WebhookVerificationError";
}
