"""Bad files fail with their own reason, quickly, and without inflating what they hide."""

import contextlib
import os
import random
import subprocess
import sys
import time
import tracemalloc

import pytest

from kb.files.extract import MAX_FILE_BYTES, extract
from kb.files.models import ExtractionError
from tests import documents
from tests.helpers import ROOT


def reason(data: bytes, filename: str, content_type: str | None = None) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(data, filename, content_type)
    return caught.value.reason


def test_an_empty_file_is_file_empty():
    assert reason(b"", "empty.pdf") == "file_empty"


def test_a_file_over_the_limit_is_refused_before_parsing():
    assert reason(b"x" * (MAX_FILE_BYTES + 1), "huge.txt") == "file_too_large"


def test_a_pdf_that_needs_a_password_is_file_encrypted():
    assert reason(documents.encrypted_pdf(user_password="secret"), "locked.pdf") == "file_encrypted"


def test_an_aes_pdf_is_file_encrypted_where_the_cryptography_package_is_missing():
    # Given a permissions-only AES PDF, and an interpreter without `cryptography` (as the layer ships)
    data = documents.encrypted_pdf(user_password="", algorithm="AES-128")
    probe = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from kb.files.extract import extract\nfrom kb.files.models import ExtractionError\n"
        "try:\n    extract(sys.stdin.buffer.read(), 'a.pdf')\nexcept ExtractionError as error:\n    print(error.reason)\n"
    )
    # When it is extracted there
    env = {**os.environ, "PYTHONPATH": str(ROOT / "layers/kb")}
    done = subprocess.run([sys.executable, "-c", probe], input=data, env=env, capture_output=True, check=False)
    # Then it is refused as encrypted, not as corrupt
    assert done.stdout.decode().strip() == "file_encrypted", done.stderr.decode()[-2000:]


def test_a_truncated_pdf_is_file_corrupt():
    assert reason(documents.truncated(documents.n_page_pdf(3)), "cut.pdf") == "file_corrupt"


def test_a_pdf_with_a_broken_body_is_file_corrupt():
    assert reason(b"%PDF-1.7\nnot objects at all\n%%EOF\n", "broken.pdf") == "file_corrupt"


def test_a_truncated_docx_is_file_corrupt():
    assert reason(documents.truncated(documents.docx([("p", "Hello.")])), "cut.docx") == "file_corrupt"


def test_a_docx_whose_xml_is_broken_is_file_corrupt():
    data = documents.stored_zip({"word/document.xml": b"<w:document><w:body><w:p>"})
    assert reason(data, "broken.docx") == "file_corrupt"


def test_a_docx_declaring_an_entity_is_refused_without_expanding_it():
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><d>&b;</d>'
    assert reason(documents.stored_zip({"word/document.xml": laughs}), "laughs.docx") == "file_corrupt"


def test_a_zip_bomb_disguised_as_docx_is_refused_before_inflating():
    # Given a "DOCX" whose document part declares 256 MiB deflated ~1000:1 (the file is ~260 KB)
    bomb = documents.zip_bomb_docx(256 * 1024 * 1024)
    # When it is extracted
    tracemalloc.start()
    started = time.process_time()
    try:
        found = reason(bomb, "report.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then it is refused as a bomb, having inflated nothing (a few MB of memory, well under a second)
    assert found == "archive_bomb"
    assert peak < 8 * 1024 * 1024
    assert time.process_time() - started < 5  # generous on a loaded machine; inflating takes far more


def test_a_zip_bomb_that_lies_about_its_size_is_not_inflated_past_the_lie():
    # Given a "DOCX" whose document part claims 1 KB but inflates to 256 MiB
    bomb = documents.lying_zip_bomb_docx(256 * 1024 * 1024)
    tracemalloc.start()
    try:
        found = reason(bomb, "report.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then reading stops at the declared size, the checksum fails, and little was inflated
    assert found == "file_corrupt"
    assert peak < 16 * 1024 * 1024


def test_an_archive_of_too_many_entries_is_refused(monkeypatch):
    # The limit is a constant; a smaller one here keeps the archive small
    monkeypatch.setattr("kb.files.archive.MAX_ARCHIVE_ENTRIES", 10)
    data = documents.stored_zip({f"word/media/{i}.txt": b"x" for i in range(11)} | {"word/document.xml": b"<d/>"})
    assert reason(data, "many.docx") == "archive_bomb"


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (documents.pdf(["A PDF."]), "notes.docx", None),  # PDF bytes named as Word
        (documents.pdf(["A PDF."]), "notes.txt", "text/plain"),  # PDF bytes named as text
        (b"Just some text.", "report.pdf", "application/pdf"),  # text named as PDF
        (b"Just some text.", "upload", "application/pdf"),  # text declared as PDF, no extension
        (documents.docx([("p", "Word.")]), "report.pdf", None),  # Word named as PDF
        (bytes(range(256)) * 4, "notes.md", None),  # binary named as Markdown
        (b"not json\nat all\n", "records.jsonl", None),  # text named JSON lines
    ],
)
def test_bytes_that_are_not_what_the_name_or_type_says_are_a_type_mismatch(data, filename, content_type):
    assert reason(data, filename, content_type) == "file_type_mismatch"


def test_an_unknown_binary_is_file_unsupported():
    assert reason(bytes(range(256)) * 4, "blob.bin", "application/octet-stream") == "file_unsupported"


def test_a_zip_that_is_not_a_word_document_is_file_unsupported():
    assert reason(documents.stored_zip({"a.txt": b"hello"}), "archive.zip") == "file_unsupported"


def test_a_pdf_without_text_is_file_no_text():
    assert reason(documents.pdf(["", ""]), "scanned.pdf") == "file_no_text"


def test_a_page_with_only_navigation_is_file_no_text():
    assert reason(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "menu.html") == "file_no_text"


def test_a_json_lines_file_with_a_bad_line_names_the_line():
    with pytest.raises(ExtractionError) as caught:
        extract(b'{"a": 1}\n{"b": 2}\n{broken\n', "records.jsonl")
    assert (caught.value.reason, caught.value.message) == ("file_corrupt", "Line 3 is not JSON.")


@pytest.mark.parametrize("filename", ["a.pdf", "a.docx", "a.html", "a.md", "a.jsonl"])
def test_damaged_copies_of_every_format_end_in_a_document_or_an_extraction_error(filename):
    # Given 40 copies of a real file, each with 1-20 random bytes overwritten (seeded: reproducible)
    originals = {
        "a.pdf": documents.n_page_pdf(2),
        "a.docx": documents.n_page_docx(2),
        "a.html": documents.n_page_html(2).encode(),
        "a.md": documents.MARKDOWN.encode(),
        "a.jsonl": documents.jsonl([{"n": n, "text": "hello"} for n in range(20)]).encode(),
    }
    rng = random.Random(filename)
    for _ in range(40):
        damaged = bytearray(originals[filename])
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        # When each is extracted, Then nothing but ExtractionError is raised
        with contextlib.suppress(ExtractionError):
            extract(bytes(damaged), filename)


def test_no_library_exception_escapes(monkeypatch):
    # Given a parser that fails in a way nobody foresaw
    def explode(data: bytes) -> None:
        raise KeyError("inside the library")

    monkeypatch.setattr("kb.files.docx.extract_docx", explode)
    # When a DOCX is extracted, Then the failure is an ExtractionError
    assert reason(documents.docx([("p", "Hello.")]), "x.docx") == "file_corrupt"
