"""Where the CLI finds the API and its key: flags, then the environment, then a profile file.

The profile file is TOML, `$KB_CONFIG` or `~/.config/kb/config.toml`, one table per profile:

    [default]
    url = "http://127.0.0.1:3000/api"
    stream_url = "http://127.0.0.1:3001"   # streamed answers (the stack's StreamUrl); optional
    key = "sk_live_..."

`--profile NAME` (or KB_PROFILE) picks a table; `default` otherwise.
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .._config import DEFAULT_URL


@dataclass(frozen=True)
class Settings:
    url: str
    key: str | None
    # None: streamed answers go to `url`, which answers the same events in one body at the end.
    stream_url: str | None
    profile: str


def config_path() -> Path:
    explicit = os.environ.get("KB_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kb" / "config.toml"


def load(url: str | None, key: str | None, profile: str | None, stream_url: str | None = None) -> Settings:
    name = profile or os.environ.get("KB_PROFILE") or "default"
    path = config_path()
    table: dict[str, str] = {}
    if path.exists():
        table = tomllib.loads(path.read_text()).get(name, {})
    elif profile:
        raise FileNotFoundError(f"profile {profile!r} asked for, but {path} does not exist")
    env_url = os.environ.get("KB_API_URL") or os.environ.get("CHATBOT_API")
    env_key = os.environ.get("KB_API_KEY") or os.environ.get("CHATBOT_KEY")
    return Settings(
        url=(url or env_url or table.get("url") or DEFAULT_URL).rstrip("/"),
        key=key or env_key or table.get("key"),
        stream_url=(stream_url or os.environ.get("KB_STREAM_URL") or table.get("stream_url") or "").rstrip("/") or None,
        profile=name,
    )
