"""Where the API is and which key to use: arguments, else the environment."""

import os

DEFAULT_URL = "http://127.0.0.1:3000/api"


def resolve(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    """KB_API_KEY / KB_API_URL, or the README's CHATBOT_KEY / CHATBOT_API."""
    key = api_key or os.environ.get("KB_API_KEY") or os.environ.get("CHATBOT_KEY")
    url = base_url or os.environ.get("KB_API_URL") or os.environ.get("CHATBOT_API") or DEFAULT_URL
    if not key:
        raise ValueError("no API key: pass api_key=, or set KB_API_KEY")
    return key, url.rstrip("/")


def resolve_stream(stream_url: str | None) -> str | None:
    """KB_STREAM_URL: where streamed answers are sent (the stack's StreamUrl; locally the gateway's
    port + 1). None: they go to the base URL, which answers the same events in one body."""
    url = stream_url or os.environ.get("KB_STREAM_URL")
    return url.rstrip("/") if url else None
