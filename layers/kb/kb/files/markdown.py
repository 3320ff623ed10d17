"""Markdown: headings kept as structure (sections with their heading path), the rest as readable
text (markdown-it-py's CommonMark parser, tables on): emphasis marks and link targets dropped,
link text kept, code kept as written, list items as '- ' lines, table rows as 'a | b'."""

import re

from kb.files.models import ExtractedDocument
from kb.files.text import TextBuilder

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
TAG = re.compile(r"<[^>]*>")


def extract_markdown(text: str) -> ExtractedDocument:
    from markdown_it import MarkdownIt

    title = ""
    front = FRONT_MATTER.match(text)
    if front:  # YAML front matter: its title, if any; the rest is not content
        named = FRONT_MATTER_TITLE.search(front.group(1))
        title = named.group(1).strip("'\"") if named else ""
        text = text[front.end() :]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    builder = TextBuilder()
    first_heading = ""
    heading_level: int | None = None
    row: list[str] | None = None
    list_depth = 0
    table = 0
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "table_open":
            table += 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            builder.block(" | ".join(row), run=f"table-{table}")
            row = None
        elif kind == "inline":
            inline = _inline_text(token.children or [])
            if heading_level is not None:
                first_heading = first_heading or " ".join(inline.split())
                builder.heading(heading_level, inline)
            elif row is not None:
                row.append(" ".join(inline.split()))
            elif list_depth:
                builder.block("  " * (list_depth - 1) + "- " + inline, run="list")
            else:
                builder.block(inline)
        elif kind in ("fence", "code_block"):
            builder.block(token.content)
        elif kind == "html_block":
            builder.block(TAG.sub("", token.content))
    body, sections = builder.finish()
    return ExtractedDocument(title=title or first_heading, text=body, sections=sections)


def _inline_text(children: list) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":  # its alt text is a caption a reader would see
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
