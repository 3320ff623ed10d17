"""`kb`: the command line of the Knowledge Base API (click, with rich for tables and progress).

Global options come before the command: `kb --json --profile prod sources list`. Every command
prints a table or text for people, or with `--json` one JSON document for scripts. Errors print
`error: <code>: <message>` on stderr and exit 1.
"""

import sys
from dataclasses import dataclass
from typing import Any

import click

from .. import Client
from ..errors import ApiError, KbError
from . import config
from .output import errors


@dataclass
class Context:
    settings: config.Settings
    as_json: bool
    _client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            if not self.settings.key:
                raise click.UsageError(f"no API key: set KB_API_KEY, pass --key, or add one to {config.config_path()}")
            self._client = Client(self.settings.key, self.settings.url, stream_url=self.settings.stream_url)
        return self._client


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar=None, help="API base URL (else KB_API_URL, the profile, or the local stack).")
@click.option(
    "--stream-url",
    help="Base URL of streamed answers, the stack's StreamUrl (else KB_STREAM_URL, the profile's "
    "stream_url; without one, answers come whole from --url).",
)
@click.option("--key", help="API key (else KB_API_KEY, or the profile's).")
@click.option("--profile", help="Profile of the config file (else KB_PROFILE, or 'default').")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.version_option(package_name="kb-client")
@click.pass_context
def cli(
    ctx: click.Context, url: str | None, stream_url: str | None, key: str | None, profile: str | None, as_json: bool
) -> None:
    """Push content to a knowledge base, publish it, and search and ask it."""
    ctx.obj = Context(config.load(url, key, profile, stream_url), as_json)
    ctx.call_on_close(lambda: ctx.obj._client.close() if ctx.obj._client else None)


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="kb", standalone_mode=False)
    except click.exceptions.Abort:
        errors.print("aborted")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ApiError as error:
        errors.print(f"[red]error[/red]: {error.code}: {error.message}", markup=True, highlight=False)
        sys.exit(1)
    except KbError as error:
        errors.print(f"[red]error[/red]: {error}", markup=True, highlight=False)
        sys.exit(1)


from . import analytics, commands, listen, serving, sync_command, training  # noqa: E402, F401  (they register themselves on `cli`)
