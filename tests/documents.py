"""Real documents made by the tests, in memory: PDFs (fpdf2, encrypted by pypdf), Word documents
(python-docx), HTML, Markdown, CSV and JSON lines, and the bad files extraction must refuse.
Shared by the extraction tests, the file pipeline's tests and bench/files/extraction.py."""

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence

LOREM = (
    "Knowledge bases answer questions from documents that people already wrote. Each page of this "
    "generated document carries its own number and enough ordinary prose to look like a page of a "
    "manual: configuration, installation, troubleshooting and the limits of the service."
)


def page_text(number: int, paragraphs: int = 6) -> str:
    """About 2,000 characters of prose naming its page: what a printed page of a manual holds."""
    return f"Page {number} marker p{number}x.\n" + "\n".join(
        f"{LOREM} Paragraph {i} of page {number}." for i in range(paragraphs)
    )


def pdf(pages: Sequence[str], title: str | None = None) -> bytes:
    """One PDF page per string (Helvetica, so Latin-1 text only)."""
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.set_auto_page_break(auto=False)
    if title is not None:
        document.set_title(title)
    for text in pages:
        document.add_page()
        document.set_font("Helvetica", size=10)
        document.multi_cell(0, 5, text)
    return bytes(document.output())


def n_page_pdf(pages: int, title: str | None = None) -> bytes:
    """A PDF of `pages` pages, page N saying 'Page N marker pNx.' and ~2,000 characters of prose."""
    return pdf([page_text(number) for number in range(1, pages + 1)], title=title)


def encrypted_pdf(user_password: str = "secret", owner_password: str = "owner", algorithm: str = "AES-256") -> bytes:  # noqa: S107 - a test file's password
    """A two-page PDF encrypted with `algorithm` (pypdf's names: RC4-128, AES-128, AES-256); an
    empty user password makes a PDF anyone may open (only its permissions are restricted)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(["Secret page one.", "Secret page two."]))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def docx(blocks: Iterable[tuple[str, str]], title: str | None = None) -> bytes:
    """A Word document from (kind, text) blocks: kind is 'title', 'h1'..'h6', 'p', 'bullet', or
    'table' (text: rows split by newlines, cells by '|')."""
    from docx import Document

    document = Document()
    if title is not None:
        document.core_properties.title = title
    for kind, text in blocks:
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind.startswith("h"):
            document.add_heading(text, level=int(kind[1:]))
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "table":
            rows = [row.split("|") for row in text.split("\n")]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, cells, strict=True):
                    cell.text = value
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def n_page_docx(pages: int) -> bytes:
    """A Word document with the text of `pages` PDF pages, one heading per page."""
    blocks: list[tuple[str, str]] = []
    for number in range(1, pages + 1):
        blocks.append(("h1" if number % 10 == 1 else "h2", f"Section {number}"))
        blocks.extend(("p", paragraph) for paragraph in page_text(number).split("\n"))
    return docx(blocks)


def raw_zip(entries: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP written by hand, so an entry may lie: (name, deflated bytes, CRC-32, declared size)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, deflated, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0)
        out.write(header + encoded + deflated)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(deflated),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """`size` zero bytes deflated (raw deflate, as ZIP stores it) and their CRC-32, made a
    megabyte at a time so the test never holds the inflated bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1024 * 1024)
    parts, crc = [], 0
    for _ in range(size // len(chunk)):
        parts.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def zip_bomb_docx(inflated: int = 256 * 1024 * 1024) -> bytes:
    """A 'DOCX' whose word/document.xml declares `inflated` bytes deflated ~1000:1."""
    deflated, crc = _deflated_zeros(inflated)
    return raw_zip([("[Content_Types].xml", zlib.compress(b"<Types/>")[2:-4], zlib.crc32(b"<Types/>"), 8),
                    ("word/document.xml", deflated, crc, inflated)])  # fmt: skip


def lying_zip_bomb_docx(inflated: int = 256 * 1024 * 1024) -> bytes:
    """A 'DOCX' whose word/document.xml says it is 1 KB but inflates to `inflated` bytes."""
    deflated, crc = _deflated_zeros(inflated)
    return raw_zip([("word/document.xml", deflated, crc, 1024)])


def html_page(title: str = "Pricing plans") -> str:
    """A page with all the noise a real site has around its content."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: sans-serif; }} .secret-style {{ color: red; }}</style>
<script>window.trackingNoise = "tracking-script-noise";</script></head>
<body>
<header><a href="/">Acme home</a> <span>Site banner noise</span></header>
<nav><ul><li><a href="/docs">Docs nav link</a></li><li><a href="/blog">Blog nav link</a></li></ul></nav>
<main>
  <h1>Plans and prices</h1>
  <p>Every plan includes <a href="https://example.com/support">priority support</a> and the API.</p>
  <h2>Team plan</h2>
  <p>The team plan costs 20 euros per seat and month.</p>
  <h3>Limits</h3>
  <ul><li>Up to 50 seats</li><li>10 GB of documents</li></ul>
  <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Team</td><td>20</td></tr></table>
  <h2>Enterprise plan</h2>
  <p>Enterprise pricing is negotiated.</p>
</main>
<aside>Related posts sidebar noise</aside>
<footer>Copyright footer noise</footer>
<script>console.log("more script noise")</script>
</body></html>"""


def n_page_html(pages: int) -> str:
    """An HTML page with the text of `pages` PDF pages, one heading per page."""
    body = "".join(
        f"<h2>Section {number}</h2>" + "".join(f"<p>{paragraph}</p>" for paragraph in page_text(number).split("\n"))
        for number in range(1, pages + 1)
    )
    return (
        f"<!DOCTYPE html><html><head><title>Manual</title></head><body><nav>Menu</nav><main>{body}</main></body></html>"
    )


MARKDOWN = """# Install

Download the *package* from [the site](https://example.com/download).

## On Linux

Run `apt install kb`:

```sh
sudo apt install kb
```

### Troubleshooting

- Check the **logs**
- Restart the service

## On macOS

Use Homebrew.

# Configure

| Setting | Default |
|---------|---------|
| port    | 8080    |
"""

CSV = "name,city,plan\nAda Lovelace,London,team\nAlan Turing,Manchester,\n"


def jsonl(records: Iterable[object]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def stored_zip(files: dict[str, bytes]) -> bytes:
    """An ordinary ZIP of the given files (a non-Word archive)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()
