"""Extraction of well-formed documents of every format: text, title, pages and sections."""

import json
import os
import subprocess
import sys

from kb.files.extract import extract
from tests import documents
from tests.helpers import ROOT


def section_texts(document) -> list[tuple[list[str], str]]:
    return [(section.heading_path, document.text[section.start : section.end]) for section in document.sections]


def test_a_two_page_pdf_has_one_section_per_page_with_exact_offsets():
    # Given a two-page PDF with a title in its metadata
    data = documents.pdf(["The first page talks about apples.", "The second page talks about zebras."], title="Fruit")
    # When it is extracted
    document = extract(data, "fruit.pdf", "application/pdf")
    # Then page 2's text lies exactly in the section with page=2, and the pages are counted
    assert document.pages == 2
    assert [section.page for section in document.sections] == [1, 2]
    second = document.sections[1]
    assert document.text[second.start : second.end] == "The second page talks about zebras."
    assert document.text.index("zebras") in range(second.start, second.end)
    assert document.text[document.sections[0].start : document.sections[0].end] == "The first page talks about apples."
    assert document.title == "Fruit"


def test_every_page_of_a_long_pdf_is_found_in_its_own_section():
    # Given a 12-page PDF whose page N says "pNx"
    document = extract(documents.n_page_pdf(12), "manual.pdf")
    # Then each marker lies in the section of its page, and the title falls back to the file name
    assert document.pages == 12
    for section in document.sections:
        assert f"p{section.page}x" in document.text[section.start : section.end]
    assert len(document.sections) == 12
    assert document.title == "manual"


def test_an_empty_page_has_no_section_but_counts_as_a_page():
    document = extract(documents.pdf(["Before the blank.", "", "After the blank."]), "gap.pdf")
    assert document.pages == 3
    assert [section.page for section in document.sections] == [1, 3]


def test_a_pdf_encrypted_only_against_printing_opens():
    # Given a PDF encrypted with RC4 and an empty user password (permissions only)
    data = documents.encrypted_pdf(user_password="", algorithm="RC4-128")
    # When extracted, Then its text is read
    assert "Secret page two." in extract(data, "restricted.pdf").text


def test_docx_headings_become_heading_paths():
    # Given a Word document with a title, nested headings, a list and a table
    data = documents.docx(
        [
            ("title", "Operations manual"),
            ("p", "Read this first."),
            ("h1", "Install"),
            ("p", "Get the package."),
            ("h2", "On Linux"),
            ("bullet", "Use apt."),
            ("table", "Distro|Command\nDebian|apt install kb"),
            ("h2", "On macOS"),
            ("p", "Use Homebrew."),
            ("h1", "Configure"),
            ("p", "Set the port."),
        ]
    )
    # When it is extracted
    document = extract(data, "ops.docx")
    # Then each heading opens a section whose path names it and the headings above it
    sections = section_texts(document)
    assert (["Install", "On Linux"], "On Linux\n\n- Use apt.\n\nDistro | Command\nDebian | apt install kb") in sections
    assert (["Install", "On macOS"], "On macOS\n\nUse Homebrew.") in sections
    assert (["Configure"], "Configure\n\nSet the port.") in sections
    assert sections[0] == ([], "Operations manual\n\nRead this first.")
    # And the Title-styled paragraph is the title
    assert document.title == "Operations manual"


def test_docx_core_properties_title_wins_over_the_first_heading():
    data = documents.docx([("h1", "Chapter one"), ("p", "Text.")], title="The real title")
    assert extract(data, "x.docx").title == "The real title"


def test_html_keeps_the_main_text_and_drops_navigation_noise():
    # Given a page with a banner, navigation, scripts, styles, an aside and a footer
    data = documents.html_page(title="Pricing plans").encode()
    # When it is extracted
    document = extract(data, "pricing.html", "text/html; charset=utf-8")
    # Then only the main content is left, links as their text only
    for noise in (
        "Site banner",
        "nav link",
        "tracking-script",
        "font-family",
        "sidebar",
        "footer noise",
        "script noise",
    ):
        assert noise not in document.text
    assert "Every plan includes priority support and the API." in document.text
    assert "https://example.com" not in document.text
    # And the title is the page's <title>, and headings are sections
    assert document.title == "Pricing plans"
    sections = section_texts(document)
    assert (
        ["Plans and prices", "Team plan", "Limits"],
        "Limits\n\n- Up to 50 seats\n- 10 GB of documents\n\nPlan | Price\nTeam | 20",
    ) in sections
    assert (["Plans and prices", "Enterprise plan"], "Enterprise plan\n\nEnterprise pricing is negotiated.") in sections


def test_an_article_header_is_content_not_page_chrome():
    page = b"<html><body><header>Banner</header><article><header><h1>Release notes</h1></header><p>Faster.</p></article></body></html>"
    document = extract(page, "notes.html")
    assert document.text == "Release notes\n\nFaster."
    assert document.title == "Release notes"  # no <title>: the first heading


def test_an_html_fragment_keeps_its_title_out_of_the_text():
    document = extract(b"<title>Fragment</title><h1>Heading</h1><p>Body text.</p>", "fragment.html")
    assert (document.title, document.text) == ("Fragment", "Heading\n\nBody text.")


def test_markdown_headings_are_kept_as_structure():
    # Given Markdown with nested headings, emphasis, a link, code, a list and a table
    document = extract(documents.MARKDOWN.encode(), "guide.md", "text/markdown")
    # Then each heading's section carries its path
    sections = section_texts(document)
    assert (["Install", "On Linux"], "On Linux\n\nRun apt install kb:\n\nsudo apt install kb") in sections
    assert (
        ["Install", "On Linux", "Troubleshooting"],
        "Troubleshooting\n\n- Check the logs\n- Restart the service",
    ) in sections
    assert (["Install", "On macOS"], "On macOS\n\nUse Homebrew.") in sections
    assert (["Configure"], "Configure\n\nSetting | Default\nport | 8080") in sections
    # And the text reads as prose: no markup, link text kept, its target dropped
    assert "Download the package from the site." in document.text
    assert "*" not in document.text and "https://" not in document.text and "#" not in document.text
    assert document.title == "Install"


def test_markdown_front_matter_gives_the_title_and_is_not_content():
    document = extract(b"---\ntitle: Release notes\nauthor: Ada\n---\n\nAll fixed.\n", "notes.md")
    assert (document.title, document.text) == ("Release notes", "All fixed.")


def test_csv_rows_become_readable_lines_with_their_header_names():
    document = extract(documents.CSV.encode(), "people.csv", "text/csv")
    assert document.text == "name: Ada Lovelace; city: London; plan: team\nname: Alan Turing; city: Manchester"
    assert document.title == "people"


def test_a_semicolon_csv_is_read_with_its_own_delimiter():
    document = extract(b"product;price\nTea;3\nCoffee;4\n", "prices.csv")
    assert document.text == "product: Tea; price: 3\nproduct: Coffee; price: 4"


def test_json_lines_become_one_readable_line_per_record():
    records = [
        {"question": "How to reset?", "answer": {"text": "Use the link.", "tags": ["auth", "ui"]}},
        {"n": 1, "ok": True},
    ]
    document = extract(documents.jsonl(records).encode(), "faq.jsonl", "application/x-ndjson")
    assert document.text == "question: How to reset?; answer.text: Use the link.; answer.tags: auth, ui\nn: 1; ok: true"


def test_plain_text_is_kept_with_one_newline_convention_and_no_byte_order_mark():
    document = extract("\ufeffFirst line\r\nSecond line\r\n".encode(), "notes.txt", "text/plain")
    assert (document.text, document.title, document.sections) == ("First line\nSecond line", "notes", [])


def test_utf16_text_with_a_byte_order_mark_is_read():
    assert extract("Grüße\n".encode("utf-16"), "greeting.txt").text == "Grüße"


def test_text_that_mentions_the_pdf_header_is_still_text():
    document = extract(b"# PDF files\n\nEvery PDF starts with %PDF-1.7 and ends with %%EOF.\n", "pdf-notes.md")
    assert document.sections[0].heading_path == ["PDF files"]


def test_a_pdf_after_a_few_bytes_of_junk_is_still_a_pdf():
    assert extract(b"\x00\x01junk" + documents.pdf(["Late header."]), "late.pdf").text == "Late header."


def test_html_without_a_name_is_recognised_from_its_markup():
    document = extract(b"<!DOCTYPE html><html><head><title>Hi</title></head><body><p>Body.</p></body></html>", "upload")
    assert (document.title, document.text) == ("Hi", "Body.")


def test_sections_always_lie_inside_the_text_and_never_overlap():
    for data, name in [
        (documents.n_page_pdf(3), "a.pdf"),
        (documents.n_page_docx(3), "a.docx"),
        (documents.n_page_html(3).encode(), "a.html"),
        (documents.MARKDOWN.encode(), "a.md"),
    ]:
        document = extract(data, name)
        ends = [0]
        for section in document.sections:
            assert ends[-1] <= section.start < section.end <= len(document.text), name
            ends.append(section.end)
        assert json.loads(document.model_dump_json())  # serialisable as the item's sections


def test_importing_extraction_loads_no_parsing_library():
    # Given a fresh interpreter, When kb.files.extract is imported (as a handler would)
    probe = (
        "import sys, kb.files.extract; print(sorted(m for m in ('pypdf', 'bs4', 'markdown_it') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "layers/kb")},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    # Then no format's library was imported: only the processing of a file of that format pays
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
