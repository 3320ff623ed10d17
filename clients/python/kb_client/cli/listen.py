"""`kb webhooks listen`: a local receiver that verifies each delivery's signature and prints it."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer

import click

from ..webhooks import InvalidSignatureError, WebhookEvent, verify_webhook
from . import Context, pass_context
from .commands import webhooks
from .output import console, errors


@webhooks.command("listen")
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--secret", envvar="KB_WEBHOOK_SECRET", required=True, help="The subscription's whsec_ secret.")
@click.option("--count", type=click.IntRange(1), help="Stop after this many verified events.")
@pass_context
def listen(ctx: Context, port: int, host: str, secret: str, count: int | None) -> None:
    """Receive deliveries on http://HOST:PORT/ (any path): 204 when the signature verifies (the
    event is printed), 401 when it does not (the delivery is retried). Ctrl-C stops it."""
    received: list[WebhookEvent] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                event = verify_webhook(body, dict(self.headers.items()), secret)
            except InvalidSignatureError as error:
                errors.print(f"[red]rejected[/red] {self.headers.get('webhook-id')}: {error}", highlight=False)
                self.send_response(401)
                self.end_headers()
                return
            self.send_response(204)
            self.end_headers()
            received.append(event)
            if ctx.as_json:
                print(json.dumps(event.model_dump(mode="json")), flush=True)
            else:
                console.print(f"[green]{event.type}[/green] {event.id} {json.dumps(event.data)}", highlight=False)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
            return

    # One request at a time: each is verified and printed before the next is read, in order.
    server = HTTPServer((host, port), Receiver)
    errors.print(f"listening on http://{host}:{server.server_address[1]}/", highlight=False)
    try:
        while count is None or len(received) < count:
            server.handle_request()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
