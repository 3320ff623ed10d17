/** Every failure the client reports: an API error answer, a transport failure, a failed or
 * timed-out lifecycle wait, or a stream's `error` event. `code` is the API's error code
 * (`not_found`, `rate_limited`, `stale_plan`, ...) or one of the client's own:
 * `network_error`, `timeout`, `wait_timeout`, `stream_incomplete`, `invalid_response`. */
export class KbError extends Error {
  override readonly name: string = "KbError";
  /** The HTTP status of the answer that carried the error; 0 when none arrived. */
  readonly status: number;
  readonly code: string;
  /** Set on `internal_error` answers: quote it to the operator. */
  readonly requestId: string | undefined;
  /** The parsed error body, when there was one. */
  readonly body: unknown;
  readonly headers: Headers | undefined;

  constructor(
    message: string,
    init: { status: number; code: string; requestId?: string; body?: unknown; headers?: Headers; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.body = init.body;
    this.headers = init.headers;
  }

  /** Builds the error from an API answer that is not 2xx: `{"error", "code"}` when the API wrote it. */
  static async fromResponse(response: Response): Promise<KbError> {
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's page): keep the text.
    }
    const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const code = typeof record.code === "string" ? record.code : `http_${response.status}`;
    const message = typeof record.error === "string" ? record.error : `HTTP ${response.status}`;
    const requestId =
      typeof record.requestId === "string"
        ? record.requestId
        : typeof record.request_id === "string"
          ? record.request_id
          : undefined;
    return new KbError(message, { status: response.status, code, requestId, body, headers: response.headers });
  }
}

/** A webhook whose signature or timestamp does not verify. */
export class WebhookVerificationError extends Error {
  override readonly name: string = "WebhookVerificationError";
}
