"""A Lambda function URL, looked up where Lambda keeps it (GetFunctionUrlConfig).

The web console streams answers from the stream function's URL (docs/console.md). The console
function cannot be given that URL in its environment: the URL's CORS names the HTTP API, which
routes to the console function, so `!GetAtt ...Url.FunctionUrl` there would be a CloudFormation
cycle. It is given the function's alias instead and asks Lambda once per process."""

from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from kb.observability import logger


class FunctionUrlLookup:
    """One function's URL, looked up on first use and kept for the process (it changes only when
    the stack is deployed again, which starts new processes). A failed lookup is not kept: the
    next page load asks again, and meanwhile the console streams through the HTTP API."""

    def __init__(self, lambda_client: Any, function: str) -> None:
        self.lambda_client = lambda_client
        self.function = function  # a name or ARN; an alias ARN names the alias the URL is on
        self._url: str | None = None

    def url(self) -> str | None:
        if self._url is None:
            self._url = self._look_up()
        return self._url

    def _look_up(self) -> str | None:
        name, qualifier = split_qualifier(self.function)
        try:
            reply = self.lambda_client.get_function_url_config(
                FunctionName=name, **({"Qualifier": qualifier} if qualifier else {})
            )
        except (ClientError, BotoCoreError) as error:
            logger.warning(
                "no function URL: the console streams through the API", function=self.function, error=str(error)
            )
            return None
        url = str(reply["FunctionUrl"]).rstrip("/")
        return url if urlsplit(url).scheme in ("https", "http") else None


def split_qualifier(function: str) -> tuple[str, str | None]:
    """`arn:aws:lambda:<region>:<account>:function:<name>:<alias>` -> (the unqualified ARN, the
    alias); a name or an unqualified ARN -> (itself, None)."""
    parts = function.split(":")
    if len(parts) == 8 and parts[0] == "arn":
        return ":".join(parts[:7]), parts[7]
    return function, None


def origin(url: str) -> str:
    """`https://host[:port]/path` -> `https://host[:port]`, as a CSP source and a CORS origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
