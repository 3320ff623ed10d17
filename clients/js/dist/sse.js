export async function* parseEventStream(body) {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buffer = "";
    let event = "";
    let data = [];
    let id;
    let carriageReturn = false;
    const takeLine = function* (line) {
        if (line === "") {
            if (data.length > 0)
                yield { event: event || "message", data: data.join("\n"), ...(id === undefined ? {} : { id }) };
            event = "";
            data = [];
            return;
        }
        if (line.startsWith(":"))
            return;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" "))
            value = value.slice(1);
        if (field === "event")
            event = value;
        else if (field === "data")
            data.push(value);
        else if (field === "id")
            id = value;
    };
    try {
        for (;;) {
            const { value, done } = await reader.read();
            buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
            // A CR that ended the previous chunk and an LF that starts this one are one line end.
            if (carriageReturn && buffer.startsWith("\n"))
                buffer = buffer.slice(1);
            carriageReturn = false;
            let match;
            const lineEnd = /\r\n|\r|\n/g;
            let start = 0;
            while ((match = lineEnd.exec(buffer)) !== null) {
                if (match[0] === "\r" && match.index === buffer.length - 1 && !done)
                    break;
                yield* takeLine(buffer.slice(start, match.index));
                start = match.index + match[0].length;
            }
            buffer = buffer.slice(start);
            if (buffer.endsWith("\r") && !done) {
                yield* takeLine(buffer.slice(0, -1));
                buffer = "";
                carriageReturn = true;
            }
            if (done) {
                // An event not followed by a blank line is dropped, as the standard says.
                return;
            }
        }
    }
    finally {
        reader.releaseLock();
        await body.cancel().catch(() => undefined);
    }
}
