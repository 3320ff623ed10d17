"""HTML: the main content's text (Beautiful Soup on the standard library's parser), headings as
sections; navigation, page header and footer, asides, scripts, styles and forms dropped; links
kept as their text, their targets dropped."""

from typing import Any

from kb.files.models import ExtractedDocument
from kb.files.text import TextBuilder

# Never content, wherever they are.
NOISE = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "img",
    "picture",
    "video",
    "audio",
    "map",
    "dialog",
)
NOISE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
# A header or footer is the page's banner or footer only outside an article or section (HTML's
# landmark rules); inside one it is that article's own heading block, and kept.
SECTIONING = ("article", "section", "main")
BLOCKS = {"address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
          "figure", "footer", "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
          "tbody", "thead", "tfoot", "ul", "br", "caption"}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def extract_html(text: str) -> ExtractedDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag is not None else ""
    for element in soup.find_all(("head", "title")):  # a fragment has no <body> to keep them out
        if not element.decomposed:
            element.decompose()
    for element in soup.find_all(NOISE):
        if not element.decomposed:  # one inside another already went with it
            element.decompose()
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        role = str(element.get("role") or "").lower()
        if role in NOISE_ROLES or element.has_attr("hidden") or element.get("aria-hidden") == "true":
            element.decompose()
    for element in soup.find_all(("header", "footer")):
        if not element.decomposed and element.find_parent(SECTIONING) is None:
            element.decompose()
    root = soup.find("main") or soup.find(role="main") or soup.find("body") or soup
    walker = _Walker()
    walker.walk(root)
    builder_text, sections = walker.finish()
    return ExtractedDocument(title=title or walker.first_heading, text=builder_text, sections=sections)


class _Walker:
    """Walks the tree without recursion (a page may nest thousands deep), gathering inline text
    into blocks and turning h1-h6 into headings, table rows into 'a | b' lines, li into '- '."""

    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.first_heading = ""
        self._inline: list[str] = []

    def walk(self, root: Any) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

        skipped = (Comment, Declaration, Doctype, ProcessingInstruction)
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, NavigableString):
                if not isinstance(node, skipped):
                    self._inline.append(str(node))
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if leaving:
                if name in BLOCKS or name == "tr":
                    self._flush()
                continue
            if name in HEADINGS:
                self._flush()
                heading = " ".join(node.get_text(" ").split())
                self.first_heading = self.first_heading or heading
                self.builder.heading(HEADINGS[name], heading)
                continue
            if name == "pre":
                self._flush()
                self.builder.block(node.get_text())
                continue
            if name == "tr":
                self._flush()
                cells = [" ".join(cell.get_text(" ").split()) for cell in node.find_all(("td", "th"), recursive=False)]
                if any(cells):
                    self.builder.block(" | ".join(cells), run=f"table-{id(node.find_parent('table'))}")
                continue
            if name in BLOCKS:
                self._flush()
                if name == "li":
                    self._inline.append("- ")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))

    def finish(self) -> tuple[str, list]:
        self._flush()
        return self.builder.finish()

    def _flush(self) -> None:
        text = " ".join("".join(self._inline).split())
        self._inline.clear()
        if text and text != "-":
            self.builder.block(text, run="list" if text.startswith("- ") else None)
