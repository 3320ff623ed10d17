"""`kb sync`: a folder of documents as the items of a source, sending only what changed.

Markdown and text files become items pushed in batches (their text is the content); HTML, PDF and
DOCX go through the file upload API, whose extraction keeps headings and pages. An item's id is the
file's path under the folder with `/` written as `:` (ids cannot hold `/`): `guides/install.md` is
`guides:install.md`.

The state file remembers each file's SHA-256 as of the last sync that staged it, so only new and
changed files are sent. It is JSON; default `$XDG_STATE_HOME/kb/sync/<source>-<folder hash>.json`
(`~/.local/state/...`), or `--state PATH`. Losing it costs bandwidth, never correctness: the API
answers `unchanged` for content it already has.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

TEXT_SUFFIXES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain", ".text": "text/plain"}
DOCUMENT_SUFFIXES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
Kind = Literal["item", "file"]
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_FRONT_MATTER_TITLE = re.compile(r"\A---\s*\n(?:.*\n)*?title:\s*[\"']?(.+?)[\"']?\s*\n(?:.*\n)*?---\s*\n")


@dataclass(frozen=True)
class LocalFile:
    path: Path
    relative: str  # posix path under the folder
    kind: Kind
    content_type: str
    sha256: str

    @property
    def item_id(self) -> str:
        return self.relative.replace("/", ":")


@dataclass
class Plan:
    """What this sync sends: changed (or, for a snapshot, all) text files, changed documents, and
    the files gone since the last sync."""

    files: list[LocalFile]
    changed: list[LocalFile]
    gone: list[str] = field(default_factory=list)  # item ids

    def changed_of(self, kind: Kind) -> list[LocalFile]:
        return [f for f in self.changed if f.kind == kind]


def scan(folder: Path) -> list[LocalFile]:
    """Every Markdown, text, HTML, PDF and DOCX file under `folder`, hidden ones (.git) left out."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            kind: Kind = "item"
            content_type = TEXT_SUFFIXES[suffix]
        elif suffix in DOCUMENT_SUFFIXES:
            kind, content_type = "file", DOCUMENT_SUFFIXES[suffix]
        else:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found.append(LocalFile(path, relative.as_posix(), kind, content_type, digest))
    return found


def default_state_path(api_url: str, source_id: str, folder: Path) -> Path:
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    where = hashlib.sha256(f"{api_url}\n{folder.resolve()}".encode()).hexdigest()[:16]
    return base / "kb" / "sync" / f"{source_id}-{where}.json"


def load_state(path: Path, api_url: str, source_id: str) -> dict[str, str]:
    """relative path -> sha256 of what was staged; empty when the file is for another API or source."""
    if not path.exists():
        return {}
    state = json.loads(path.read_text())
    if state.get("apiUrl") != api_url or state.get("sourceId") != source_id:
        return {}
    return dict(state.get("files", {}))


def save_state(path: Path, api_url: str, source_id: str, files: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": 1, "apiUrl": api_url, "sourceId": source_id, "files": dict(sorted(files.items()))}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, indent=1))
    temporary.replace(path)  # a crash mid-write leaves the previous state, never half of one


def plan(files: list[LocalFile], previous: dict[str, str], snapshot: bool) -> Plan:
    present = {f.relative for f in files}
    gone = [relative.replace("/", ":") for relative in previous if relative not in present]
    if snapshot:
        # A snapshot lists every item (what it leaves out goes missing): every text file is sent,
        # and every document is uploaded again after the commit (see sync_folder).
        return Plan(files, list(files), gone)
    return Plan(files, [f for f in files if previous.get(f.relative) != f.sha256], gone)


def item_body(local: LocalFile, url_prefix: str | None) -> dict[str, object]:
    text = local.path.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    body: dict[str, object] = {"externalItemId": local.item_id, "title": title_of(local, text), "content": text}
    if not text.strip():
        body["content"] = local.relative  # the API refuses empty content; the path still finds it
    if url_prefix:
        body["url"] = url_prefix.rstrip("/") + "/" + local.relative
    return body


def title_of(local: LocalFile, text: str) -> str:
    """Markdown: the front matter's title, else the first `# ` heading; otherwise the file's stem."""
    if local.content_type == "text/markdown":
        for pattern in (_FRONT_MATTER_TITLE, _HEADING):
            if match := pattern.search(text):
                return match.group(1).strip()[:1000]
    return local.path.stem[:1000]
