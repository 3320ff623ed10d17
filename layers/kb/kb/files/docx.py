"""DOCX: the body's paragraphs and tables in order, headings (by style or outline level) as
sections with their heading path. Read with the standard library from the OOXML parts, through
kb.files.archive's bounds: headers, footers, footnotes, comments and images are not read."""

import re
import zipfile
from xml.etree import ElementTree

from kb.files.archive import open_archive, read_part
from kb.files.models import ExtractedDocument, ExtractionError
from kb.files.text import TextBuilder

MAIN_PART = "word/document.xml"
HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def _local(tag: str) -> str:
    # Transitional and Strict OOXML use different namespaces for the same elements.
    return tag.rsplit("}", 1)[-1]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _parse(content: bytes, name: str) -> ElementTree.Element:
    # OOXML never declares a DTD; one here could only be an entity-expansion bomb.
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise ExtractionError(f"The document's {name} declares a DTD.", "file_corrupt")
    try:
        return ElementTree.fromstring(content)  # noqa: S314 - no DTD (refused above), size bounded by archive.py
    except ElementTree.ParseError as error:
        raise ExtractionError(f"The document's {name} is not well-formed XML ({error}).", "file_corrupt") from error


def _outline_level(properties: ElementTree.Element | None) -> int | None:
    """The heading level an explicit outline level gives (0-8 are levels 1-9; 9 is body text)."""
    outline = _child(properties, "outlineLvl") if properties is not None else None
    value = _attribute(outline, "val") if outline is not None else None
    return int(value) + 1 if value and value.isdigit() and int(value) < 9 else None


class _Styles:
    """Paragraph styles: which are headings (and of what level), which is the title."""

    def __init__(self, root: ElementTree.Element | None) -> None:
        self._names: dict[str, str] = {}
        self._outline: dict[str, int | None] = {}
        self._based_on: dict[str, str] = {}
        self._lists: set[str] = set()  # styles that number or bullet their paragraphs (List Bullet)
        for style in root if root is not None else ():
            if _local(style.tag) != "style" or _attribute(style, "type") not in (None, "paragraph"):
                continue
            style_id = _attribute(style, "styleId") or ""
            name, based_on, properties = _child(style, "name"), _child(style, "basedOn"), _child(style, "pPr")
            self._names[style_id] = (_attribute(name, "val") or "") if name is not None else ""
            if based_on is not None:
                self._based_on[style_id] = _attribute(based_on, "val") or ""
            if properties is not None and _child(properties, "numPr") is not None:
                self._lists.add(style_id)
            if properties is not None and _child(properties, "outlineLvl") is not None:
                self._outline[style_id] = _outline_level(properties)

    def is_title(self, style_id: str) -> bool:
        return self._names.get(style_id, style_id).lower() == "title"

    def is_list(self, style_id: str) -> bool:
        return style_id in self._lists

    def heading_level(self, style_id: str) -> int | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:  # basedOn chains may loop in a damaged file
            seen.add(style_id)
            match = HEADING_STYLE.match(self._names.get(style_id, style_id))
            if match:
                return int(match.group(1))
            if style_id in self._outline:
                return self._outline[style_id]
            style_id = self._based_on.get(style_id, "")
        return None


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        tag = _local(node.tag)
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


class _Body:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.builder = TextBuilder()
        self.title = ""
        self.first_heading = ""

    def walk(self, container: ElementTree.Element) -> None:
        for element in container:
            tag = _local(element.tag)
            if tag == "p":
                self.paragraph(element)
            elif tag == "tbl":
                self.table(element)
            elif tag in ("sdt", "sdtContent", "customXml", "smartTag"):
                self.walk(element)  # content controls and custom markup wrap ordinary paragraphs

    def paragraph(self, paragraph: ElementTree.Element) -> None:
        text = _paragraph_text(paragraph)
        properties = _child(paragraph, "pPr")
        style = _child(properties, "pStyle") if properties is not None else None
        style_id = (_attribute(style, "val") or "") if style is not None else ""
        level = _outline_level(properties) or self.styles.heading_level(style_id)
        if self.styles.is_title(style_id):
            self.title = self.title or " ".join(text.split())
            self.builder.block(text)
        elif level is not None:
            self.first_heading = self.first_heading or " ".join(text.split())
            self.builder.heading(level, text)
        elif text.strip() and (
            (properties is not None and _child(properties, "numPr") is not None) or self.styles.is_list(style_id)
        ):
            self.builder.block("- " + text, run="list")
        else:
            self.builder.block(text)

    def table(self, table: ElementTree.Element) -> None:
        rows = []
        for row in table.iter():
            if _local(row.tag) != "tr":
                continue
            cells = []
            for cell in row:
                if _local(cell.tag) == "tc":
                    paragraphs = [p for p in cell.iter() if _local(p.tag) == "p"]
                    cells.append(" ".join(" ".join(_paragraph_text(p).split()) for p in paragraphs).strip())
            if any(cells):
                rows.append(" | ".join(cells))
        self.builder.block("\n".join(rows))


def extract_docx(data: bytes) -> ExtractedDocument:
    archive = open_archive(data)
    main = read_part(archive, MAIN_PART)
    if main is None:
        raise ExtractionError("The document has no word/document.xml.", "file_corrupt")
    document = _parse(main, MAIN_PART)
    styles_part = read_part(archive, "word/styles.xml")
    body_walker = _Body(_Styles(_parse(styles_part, "word/styles.xml") if styles_part else None))
    body = _child(document, "body")
    if body is None:
        raise ExtractionError("The document has no body.", "file_corrupt")
    try:
        body_walker.walk(body)
    except RecursionError as error:  # content controls nested past any real document
        raise ExtractionError("The document is nested too deeply to read.", "file_corrupt") from error
    text, sections = body_walker.builder.finish()
    title = _core_title(archive) or body_walker.title or body_walker.first_heading
    return ExtractedDocument(title=title, text=text, sections=sections)


def _core_title(archive: zipfile.ZipFile) -> str:
    core = read_part(archive, "docProps/core.xml")
    if not core:
        return ""
    try:
        root = _parse(core, "docProps/core.xml")
    except ExtractionError:  # a damaged property part costs the title, not the document
        return ""
    for element in root:
        if _local(element.tag) == "title" and element.text:
            return " ".join(element.text.split())
    return ""
