"""Citations that point into the document, end to end: a document with pages and headings (staged
as the file pipeline stages it: through the domain function, with its sections) is applied,
searched, asked about and chatted with over HTTP; every result and citation says where its chunk
lies. A JSON item's results carry offsets that slice its content to the chunk."""

import pytest

from kb.blobs import BlobStore
from kb.files.models import DocumentSection
from kb.items.models import UpsertItemRequest
from kb.items.repository import ItemRepository
from kb.items.service import upsert_item
from kb.sources.repository import SourceRepository
from kb.storage import Table
from local.deploy import client
from tests.e2e.conftest import push, run_and_apply

# Three pages, chunked in 200 characters: chunks cut across page breaks, as in a real PDF
# (title + page 1 | end of page 1 + page 2 | end of page 2, the firewall port, + page 3 | page 3's end).
PAGES = [
    (
        ["Admin guide", "Overview"],
        "The sync agent copies your files to the cloud every five minutes. It keeps the last thirty versions "
        "of every file. Deleted files stay in the trash for ninety days. The agent runs on Windows, macOS and Linux.",
    ),
    (
        ["Admin guide", "Networking"],
        "The agent needs no inbound connection. Proxies must allow outbound traffic to the sync service. "
        "Bandwidth limits are set per device. The agent connects through firewall port 8443 over TLS only.",
    ),
    (
        ["Admin guide", "Licensing"],
        "Licenses renew every year on the date of purchase. Seats can be added at any time. Removed seats "
        "are refunded at the next renewal. Invoices are sent to the billing contact.",
    ),
]


def visible(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def small_chunks_source(api, writer_key) -> str:
    """A source that cuts a page into a few chunks."""
    body = {"name": "Admin guide", "chunking": {"size": 200, "overlap": 0}}
    reply = api.call("POST", "/v1/sources", writer_key, body)
    assert reply.status_code == 201, reply.text
    source_id: str = reply.json()["source"]["id"]
    return source_id


@pytest.fixture
def guide(api, writer_key, small_chunks_source) -> str:
    """A three-page PDF's text, one section per page, staged with its sections and published."""
    content, sections = "", []
    for page, (heading, text) in enumerate(PAGES, start=1):
        start = len(content)
        content += text + "\n\n"
        sections.append(DocumentSection(start=start, end=len(content) - 2, page=page, heading_path=heading))
    tenant_id = api.call("GET", f"/v1/sources/{small_chunks_source}", writer_key).json()["source"]["tenantId"]
    table = Table(client("dynamodb", api.info["moto_endpoint"]), api.info["table_name"])
    blobs = BlobStore(client("s3", api.info["moto_endpoint"]), api.info["bucket_name"])
    sources = SourceRepository(table)
    source = sources.get(tenant_id, small_chunks_source)
    assert source is not None
    request = UpsertItemRequest(external_item_id="admin-guide.pdf", title="Admin guide", content=content)
    upsert_item(ItemRepository(table, blobs), sources, source, request, sections=sections)
    run_and_apply(api, writer_key, small_chunks_source)
    return content


def test_get_item_returns_the_documents_sections(api, writer_key, small_chunks_source, guide):
    reply = api.call("GET", f"/v1/sources/{small_chunks_source}/items/admin-guide.pdf", writer_key)
    assert reply.status_code == 200, reply.text
    sections = reply.json()["item"]["sections"]
    assert [(s["page"], s["headingPath"][-1]) for s in sections] == [
        (1, "Overview"),
        (2, "Networking"),
        (3, "Licensing"),
    ]


def test_a_search_result_names_the_pages_and_heading_of_its_chunk(api, writer_key, small_chunks_source, guide):
    # When the document is searched for what the end of its second page says
    body = {"query": "firewall port", "sourceIds": [small_chunks_source]}
    reply = api.call("POST", "/v1/search", writer_key, body)
    assert reply.status_code == 200, reply.text
    best = reply.json()["results"][0]
    # Then the best chunk starts on page 2 under Networking and runs onto page 3, and its offsets
    # slice the content to it
    location = best["location"]
    assert (location["page"], location["pageEnd"], location["headingPath"]) == (2, 3, ["Admin guide", "Networking"])
    assert visible(guide[location["start"] : location["end"]]) == visible(best["text"])


def test_every_chunk_of_the_document_says_where_it_lies(api, writer_key, small_chunks_source, guide):
    # When every chunk is searched for (semantic ranking returns them all)
    body = {"query": "the agent", "sourceIds": [small_chunks_source], "limit": 50}
    results = api.call("POST", "/v1/search", writer_key, body).json()["results"]
    # Then the four chunks have the pages they overlap and the heading where they start
    where = sorted((r["location"]["page"], r["location"]["pageEnd"], r["location"]["headingPath"][-1]) for r in results)
    assert where == [(1, 1, "Overview"), (1, 2, "Overview"), (2, 3, "Networking"), (3, 3, "Licensing")]
    # And each one's offsets slice the content to its text (the first also holds the title)
    for result in results:
        stretch = guide[result["location"]["start"] : result["location"]["end"]]
        assert visible(result["text"]).removeprefix("Adminguide") == visible(stretch)


def test_an_answer_and_a_chat_cite_the_page_and_heading(api, writer_key, small_chunks_source, guide):
    question = "Which firewall port does the agent use?"
    # When the question is asked, and asked in a chat
    answer = api.call("POST", "/v1/query", writer_key, {"query": question, "sourceIds": [small_chunks_source]})
    chat = api.call("POST", "/v1/chats", writer_key, {"message": question, "sourceIds": [small_chunks_source]})
    assert answer.status_code == 200 and chat.status_code == 201, (answer.text, chat.text)
    # Then both cite page 2 under Networking first
    for cited in (answer.json()["sources"][0], chat.json()["message"]["sources"][0]):
        assert cited["externalItemId"] == "admin-guide.pdf"
        assert (cited["location"]["page"], cited["location"]["headingPath"]) == (2, ["Admin guide", "Networking"])
    # And the chat's history keeps the citation's location
    history = api.call("GET", f"/v1/chats/{chat.json()['chat']['id']}/history", writer_key).json()
    assert history["messages"][1]["sources"][0]["location"] == chat.json()["message"]["sources"][0]["location"]


def test_explain_shows_where_the_best_chunk_lies(api, writer_key, small_chunks_source, guide):
    body = {"query": "firewall port", "sourceId": small_chunks_source, "externalItemId": "admin-guide.pdf"}
    reply = api.call("POST", "/v1/search/explain", writer_key, body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["bestChunk"]["location"]["page"] == 2


def test_a_json_items_results_carry_offsets_that_slice_its_content_to_the_chunk(api, writer_key, source_id):
    # Given a JSON item long enough for several chunks, with runs of whitespace and non-ASCII text
    content = "  ".join(f"Étape {n}: the café opens at {n} o'clock.\n\n" for n in range(1, 80))
    assert push(api, writer_key, source_id, "hours", content, title="Opening hours").status_code == 201
    run_and_apply(api, writer_key, source_id)
    # When it is searched
    reply = api.call("POST", "/v1/search", writer_key, {"query": "café opens", "sourceIds": [source_id], "limit": 100})
    results = reply.json()["results"]
    assert len(results) > 1
    # Then each result's offsets slice the content to its chunk (the first chunk also holds the
    # title), with no page or heading path
    for result in results:
        where = result["location"]
        text = result["text"].removeprefix("Opening hours") if result["position"] == 0 else result["text"]
        assert visible(content[where["start"] : where["end"]]) == visible(text)
        assert (where["page"], where["pageEnd"], where["headingPath"]) == (None, None, [])
