"""What the CLI prints: JSON for scripts (`--json`), tables and text for people."""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)


def plain(value: Any) -> Any:
    """JSON-ready: models by their API (camelCase) names, lists and dicts recursively."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def emit_json(value: Any) -> None:
    print(json.dumps(plain(value), ensure_ascii=False, indent=2))


def table(rows: Iterable[Any], columns: Sequence[str], title: str | None = None) -> None:
    """Rows (models or dicts) as a table of the named (camelCase) fields."""
    view = Table(title=title, show_lines=False)
    for column in columns:
        view.add_column(column)
    for row in rows:
        data = plain(row)
        view.add_row(*(_cell(data.get(column)) for column in columns))
    console.print(view)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def show(value: Any, as_json: bool) -> None:
    """One record: JSON either way (pretty for people)."""
    if as_json:
        emit_json(value)
    else:
        console.print_json(data=plain(value))
