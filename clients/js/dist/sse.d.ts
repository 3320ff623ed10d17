/** A text/event-stream parser (the WHATWG rules: `event:`, `data:` lines joined by newlines,
 * `:` comments, dispatch on a blank line, any of CRLF, LF, CR as line ends). */
export interface ServerSentEvent {
    event: string;
    data: string;
    id?: string;
}
export declare function parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent>;
