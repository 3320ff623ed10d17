"""Real documents end to end, over HTTP against the local stack: a two-page PDF, a Word document
with headings and an HTML page with navigation noise are uploaded, extracted by the pipeline,
published, and found again with citations that say where in the document the words are. Bad
files fail one at a time, with their reason, and take nothing already stored with them."""

from typing import Any

import pytest

from tests import documents
from tests.e2e.conftest import Api, run_and_apply
from tests.e2e.receiver import wait_until
from tests.e2e.test_files import finished

PDF, DOCX, HTML = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/html",
)

# Pages and sections of a little under 200 characters: with chunks of 200, each starts a chunk.
REFUNDS_PAGE = (
    "Refunds. Returned goods are refunded within fourteen days of arrival at the warehouse. "
    "The refund goes back to the card that paid for the order, never as store credit."
)
SHIPPING_PAGE = (
    "Shipping. Parcels to Iceland travel by ferry and arrive after eleven working days. "
    "Tracking numbers are sent by email as soon as the parcel leaves the warehouse."
)
INSTALLATION = [
    ("h1", "Installation"),
    (
        "p",
        "Download the installer from the customer portal. Every release is signed, and the portal shows the checksum.",
    ),
    ("h2", "On Linux"),
    ("p", "Unpack the tarball into the home directory and run the setup script as root. It asks for the licence key."),
    ("h1", "Support"),
    ("p", "Tickets are answered within one business day. Urgent outages are handled by the on-call engineer."),
]
PRICING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pricing plans</title>
<script>window.trackingNoise = "tracking-script-noise";</script></head>
<body><header><a href="/">Acme home</a> Site banner noise</header>
<nav><ul><li><a href="/docs">Docs nav link</a></li><li><a href="/blog">Blog nav link</a></li></ul></nav>
<main><h1>Plans and prices</h1>
<p>Every plan includes <a href="https://example.com/support">priority support</a> and the full API.
Prices are shown without sales tax, which is added at checkout.</p>
<h2>Team plan</h2>
<p>The team plan costs twenty euros per seat and month, billed yearly. It includes single sign-on,
audit logs and up to fifty seats in one workspace.</p></main>
<aside>Related posts sidebar noise</aside><footer>Copyright footer noise</footer></body></html>"""


AUTO_PUBLISH_SECONDS = 60


def search_hits(api: Api, key: str, source_id: str, query: str) -> list[dict[str, Any]]:
    reply = api.call("POST", "/v1/search", key, {"query": query, "sourceIds": [source_id], "mode": "keyword"})
    assert reply.status_code == 200, reply.text
    results: list[dict[str, Any]] = reply.json()["results"]
    return results


def upload(api: Api, key: str, source_id: str, name: str, data: bytes, content_type: str) -> dict[str, Any]:
    reply = api.call("POST", f"/v1/sources/{source_id}/files", key, files={"file": (name, data, content_type)})
    assert reply.status_code == 202, reply.text
    accepted: dict[str, Any] = reply.json()["file"]
    return accepted


def processed(api: Api, key: str, source_id: str, name: str, data: bytes, content_type: str) -> dict[str, Any]:
    return finished(api, key, source_id, upload(api, key, source_id, name, data, content_type)["id"])


def best_hit(api: Api, key: str, source_id: str, query: str) -> dict[str, Any]:
    reply = api.call("POST", "/v1/search", key, {"query": query, "sourceIds": [source_id], "mode": "keyword"})
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    assert results, f"nothing found for {query!r}"
    best: dict[str, Any] = results[0]
    return best


@pytest.fixture
def page_sized_source(api: Api, writer_key: str) -> str:
    """Chunks smaller than a page, so each page's words land in chunks of their own."""
    reply = api.call("POST", "/v1/sources", writer_key, {"name": "Manuals", "chunking": {"size": 200, "overlap": 0}})
    assert reply.status_code == 201, reply.text
    source_id: str = reply.json()["source"]["id"]
    return source_id


def test_a_two_page_pdf_is_cited_by_page(api, writer_key, page_sized_source):
    # Given a two-page PDF uploaded through the API
    data = documents.pdf([REFUNDS_PAGE, SHIPPING_PAGE], title="Customer handbook")
    done = processed(api, writer_key, page_sized_source, "handbook.pdf", data, PDF)
    # Then it is processed into an item of two pages, titled from the PDF
    assert done["status"] == "completed", done
    assert done["result"]["pages"] == 2 and done["result"]["chunks"] == 2
    item = api.call("GET", f"/v1/sources/{page_sized_source}/items/handbook.pdf", writer_key).json()["item"]
    assert item["title"] == "Customer handbook"
    assert [s["page"] for s in item["sections"]] == [1, 2]
    # When it is published and searched for what page 2 says
    run_and_apply(api, writer_key, page_sized_source)
    best = best_hit(api, writer_key, page_sized_source, "ferry Iceland")
    # Then the result cites page 2, and its offsets slice the item's text to the chunk
    assert best["item"]["externalItemId"] == "handbook.pdf"
    assert (best["location"]["page"], best["location"]["pageEnd"]) == (2, 2)
    assert item["content"][best["location"]["start"] : best["location"]["end"]] == best["text"]
    # And an answer to a question about page 1 cites page 1
    asked = {"query": "How fast are refunds paid?", "sourceIds": [page_sized_source]}
    answer = api.call("POST", "/v1/query", writer_key, asked)
    assert answer.status_code == 200, answer.text
    assert answer.json()["sources"][0]["location"]["page"] == 1


def test_a_word_document_is_cited_by_its_headings(api, writer_key, page_sized_source):
    # Given a Word document with nested headings
    done = processed(api, writer_key, page_sized_source, "setup.docx", documents.docx(INSTALLATION), DOCX)
    assert done["status"] == "completed", done
    # When it is published and searched
    run_and_apply(api, writer_key, page_sized_source)
    best = best_hit(api, writer_key, page_sized_source, "tarball setup script")
    # Then the result names the heading path its words lie under
    assert best["item"]["externalItemId"] == "setup.docx"
    assert best["location"]["headingPath"] == ["Installation", "On Linux"]


def test_an_html_page_keeps_its_content_and_drops_the_noise(api, writer_key, page_sized_source):
    # Given a page with header, navigation, scripts, an aside and a footer around its content
    done = processed(api, writer_key, page_sized_source, "pricing.html", PRICING_PAGE.encode(), HTML)
    assert done["status"] == "completed", done
    # Then the item holds the page's title and content, without the noise or the links' targets
    item = api.call("GET", f"/v1/sources/{page_sized_source}/items/pricing.html", writer_key).json()["item"]
    assert item["title"] == "Pricing plans"
    assert "twenty euros per seat" in item["content"] and "priority support" in item["content"]
    for noise in (
        "Docs nav link",
        "tracking-script-noise",
        "banner noise",
        "sidebar noise",
        "footer noise",
        "example.com",
    ):
        assert noise not in item["content"]
    # And once published, a search cites the heading of the matching part
    run_and_apply(api, writer_key, page_sized_source)
    best = best_hit(api, writer_key, page_sized_source, "euros per seat")
    assert best["location"]["headingPath"] == ["Plans and prices", "Team plan"]


@pytest.mark.parametrize(
    ("name", "data", "content_type", "reason"),
    [
        ("locked.pdf", documents.encrypted_pdf(), PDF, "file_encrypted"),
        ("cut.pdf", documents.truncated(documents.pdf([REFUNDS_PAGE, SHIPPING_PAGE])), PDF, "file_corrupt"),
        ("bomb.docx", documents.zip_bomb_docx(), DOCX, "archive_bomb"),
        ("report.pdf", b"Plain words pretending to be a PDF report.", PDF, "file_type_mismatch"),
        ("notes.docx", b"", DOCX, "file_empty"),
    ],
)
def test_a_bad_file_fails_with_its_reason_and_keeps_the_item_it_would_replace(
    api, writer_key, source_id, name, data, content_type, reason
):
    # Given an item already staged from a good file of the same name
    original = documents.pdf([REFUNDS_PAGE]) if content_type == PDF else documents.docx(INSTALLATION)
    good = processed(api, writer_key, source_id, name, original, content_type)
    assert good["status"] == "completed", good
    before = api.call("GET", f"/v1/sources/{source_id}/items/{name}", writer_key).json()["item"]
    # When a bad file is uploaded under that name
    failed = processed(api, writer_key, source_id, name, data, content_type)
    # Then it fails with its reason, and the item is as it was
    assert (failed["status"], failed["error"]["code"]) == ("failed", reason), failed
    after = api.call("GET", f"/v1/sources/{source_id}/items/{name}", writer_key).json()["item"]
    assert (after["content"], after["version"]) == (before["content"], before["version"])


def test_a_pdf_uploaded_to_an_auto_publishing_source_is_found_without_a_run_or_an_apply(api, writer_key):
    # Given a source that publishes by itself
    body = {
        "name": "Handbooks",
        "publishing": {"mode": "auto", "delaySeconds": 0},
        "chunking": {"size": 200, "overlap": 0},
    }
    source_id = api.call("POST", "/v1/sources", writer_key, body).json()["source"]["id"]
    # When a PDF is uploaded, and nothing else is asked of the API
    done = processed(api, writer_key, source_id, "handbook.pdf", documents.pdf([REFUNDS_PAGE, SHIPPING_PAGE]), PDF)
    assert done["status"] == "completed", done
    # Then it becomes searchable, cited by page, and its item says which generation publishes it
    hits = wait_until(lambda: search_hits(api, writer_key, source_id, "ferry Iceland"), timeout=AUTO_PUBLISH_SECONDS)
    assert hits[0]["location"]["page"] == 2
    reply = api.call("GET", f"/v1/sources/{source_id}/items/handbook.pdf", writer_key).json()
    current = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]["currentGenerationId"]
    assert reply["publication"]["status"] == "published" and reply["publication"]["generationId"] == current
    # And so does the file
    file_now = api.call("GET", f"/v1/sources/{source_id}/files/{done['id']}", writer_key).json()
    assert file_now["publication"] == {"status": "published", "generationId": current, "error": None}
    # And it was published by a run nobody asked for
    assert len(api.call("GET", f"/v1/sources/{source_id}/runs", writer_key).json()["runs"]) == 1


def test_a_file_says_it_is_staged_until_published(api, writer_key, source_id):
    # Given a file processed into a source that publishes by hand
    done = processed(api, writer_key, source_id, "setup.docx", documents.docx(INSTALLATION), DOCX)
    path = f"/v1/sources/{source_id}/files/{done['id']}"
    # Then the file says its item is staged
    assert api.call("GET", path, writer_key).json()["publication"] == {
        "status": "staged",
        "generationId": None,
        "error": None,
    }
    # And once applied, published in that generation
    _, applied = run_and_apply(api, writer_key, source_id)
    assert api.call("GET", path, writer_key).json()["publication"] == {
        "status": "published",
        "generationId": applied["generationId"],
        "error": None,
    }


def test_a_file_name_over_255_characters_is_refused(api, writer_key, source_id):
    reply = api.call(
        "POST", f"/v1/sources/{source_id}/files", writer_key, files={"file": ("n" * 252 + ".txt", b"Hello.")}
    )
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), reply.text
